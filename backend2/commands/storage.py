"""`flask --app backend2 storage migrate --to s3`: an existing deployment's files into the bucket.

Run it with the S3_ settings of the bucket while STORAGE_BACKEND is still `local`; run it again
(it copies only what is missing) just before setting STORAGE_BACKEND=s3. See docs/file-storage.md,
"Moving from `local` to `s3`".
"""
import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from backend2.commands.queueing import queue_for_worker
from backend2.errors import AppError
from backend2.services.media.storage_migration import migrate_to_s3, require_bucket, summary
from backend2.utils.progress import progress

storage_cli = AppGroup("storage", help="Stored files: move them between storage backends.")


@storage_cli.command("migrate")
@click.option("--to", "target", type=click.Choice(["s3"]), required=True, help="Where to copy the files.")
@click.option("--dry-run", is_flag=True, help="Count what would be copied; copy nothing.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report as JSON here.")
@click.option("--queue", is_flag=True,
              help="Leave it to a worker (the job migrate_storage) instead of running it here.")
def migrate_command(target, dry_run, report_path, queue):
    """Copy every stored file from UPLOAD_DIR to the bucket (again: only what is missing)."""
    try:
        if queue:
            require_bucket()
            return queue_for_worker("migrate_storage", "Storage migration to s3")
        report = migrate_to_s3(progress, dry_run)
    except AppError as error:
        raise click.ClickException(error.message)
    click.echo(summary(report, dry_run))
    if report_path:
        report_path.write_text(json.dumps(report, indent=2))
    sys.exit(1 if report["failed"] else 0)
