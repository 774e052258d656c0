"""Operational commands: `flask --app backend2 <group> <command>`, one module per group, and
`flask --app backend2 worker`, the background worker.

A web process never runs them: their modules, and what only they import (the legacy import's
services among them), are imported when the command line first looks a command up."""
from flask.cli import AppGroup


class Commands(AppGroup):
    """The app's command line (`app.cli`), with its commands imported on the first look-up."""

    def __init__(self, name):
        super().__init__(name)
        self.loaded = False

    def get_command(self, ctx, name):
        self._load()
        return super().get_command(ctx, name)

    def list_commands(self, ctx):
        self._load()
        return super().list_commands(ctx)

    def _load(self):
        if self.loaded:
            return
        self.loaded = True
        from backend2.commands.legacy import legacy_cli
        from backend2.commands.messages import messages_cli
        from backend2.commands.storage import storage_cli
        from backend2.commands.users import users_cli
        from backend2.commands.worker import worker_cli

        for command in (legacy_cli, messages_cli, storage_cli, users_cli, worker_cli):
            self.add_command(command)


def register_commands(app):
    commands = Commands(app.cli.name)
    commands.commands.update(app.cli.commands)  # any an extension added before
    app.cli = commands
