"""`flask --app backend2 messages index-search`: search words for messages stored before search."""
import sys

import click
from flask.cli import AppGroup

from backend2.commands.queueing import queue_for_worker
from backend2.services.messages.search_backfill import index_for_search, summary
from backend2.utils.progress import progress

messages_cli = AppGroup("messages", help="Stored messages: maintenance.")


@messages_cli.command("index-search")
@click.option("--dry-run", is_flag=True, help="Count the messages without search words; change nothing.")
@click.option("--queue", is_flag=True, help="Leave it to a worker (the job index_search) instead of running it here.")
def index_search_command(dry_run, queue):
    """Give every stored message its search words (again: only those still without)."""
    if queue:
        return queue_for_worker("index_search", "Search words")
    report = index_for_search(progress, dry_run)
    click.echo(summary(report, dry_run))
    sys.exit(1 if report["failed"] else 0)
