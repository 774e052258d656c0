"""Operational commands: `flask --app backend2 <group> <command>`, one module per group."""
from backend2.commands.legacy import legacy_cli
from backend2.commands.storage import storage_cli

COMMANDS = (legacy_cli, storage_cli)


def register_commands(app):
    for group in COMMANDS:
        app.cli.add_command(group)
