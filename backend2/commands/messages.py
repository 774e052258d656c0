"""`flask --app backend2 messages index-search`: search words for messages stored before search."""
import sys

import click
from flask.cli import AppGroup

from backend2.commands.progress import progress
from backend2.services.messages.search_backfill import index_for_search

messages_cli = AppGroup("messages", help="Stored messages: maintenance.")


@messages_cli.command("index-search")
@click.option("--dry-run", is_flag=True, help="Count the messages without search words; change nothing.")
def index_search_command(dry_run):
    """Give every stored message its search words (again: only those still without)."""
    report = index_for_search(progress, dry_run)
    verb = "would index" if dry_run else "indexed"
    click.echo(f"Search words: {verb} {report['indexed']} messages, {report['failed']} failed")
    sys.exit(1 if report["failed"] else 0)
