"""Operational commands: `flask --app backend2 <group> <command>`, one module per group, and
`flask --app backend2 worker`, the background worker."""
from backend2.commands.legacy import legacy_cli
from backend2.commands.messages import messages_cli
from backend2.commands.storage import storage_cli
from backend2.commands.users import users_cli
from backend2.commands.worker import worker_cli

COMMANDS = (legacy_cli, messages_cli, storage_cli, users_cli, worker_cli)


def register_commands(app):
    for group in COMMANDS:
        app.cli.add_command(group)
