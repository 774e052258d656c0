"""Moving an existing deployment's files from the local folder (UPLOAD_DIR) to the S3 bucket.

Every file Backend2 stored (a name of its own making) is copied with its type and disposition;
a file the bucket already holds with the same size is left alone, so the copy can be run again
after an interruption, or once more just before switching STORAGE_BACKEND to s3.
"""
import logging

from flask import current_app

from backend2.errors import AppError, ValidationFailed
from backend2.infra.storage import LocalStorage, s3_storage
from backend2.services.media.file_types import STORED_NAME, is_inline, mime_of
from backend2.utils.progress import progress as logged_progress

log = logging.getLogger(__name__)


def require_bucket():
    """The migration needs a bucket to copy to: checked before it runs, or is queued."""
    if not current_app.config["S3_BUCKET"]:
        raise ValidationFailed("Set S3_BUCKET (and the other S3_ settings) to the bucket to copy to")


def migrate_to_s3(progress, dry_run=False):
    """Copy; returns {copied, skipped, failed: [{name, error}], bytes, ignored}."""
    config = current_app.config
    require_bucket()
    source, target = LocalStorage(config["UPLOAD_DIR"]), s3_storage(config)
    local = source.sizes()
    ours = {name: size for name, size in local.items() if STORED_NAME.match(name)}
    already = target.sizes()
    report = {"copied": 0, "skipped": 0, "failed": [], "bytes": 0, "ignored": sorted(set(local) - set(ours))}
    with progress("files", len(ours), "files") as bar:
        for name, size in sorted(ours.items()):
            if already.get(name) == size:
                report["skipped"] += 1
            elif not dry_run:
                try:
                    target.put(name, source.read(name), mime_of(name), download=not is_inline(name))
                    report["copied"] += 1
                    report["bytes"] += size
                except AppError as error:
                    report["failed"].append({"name": name, "error": error.message})
            else:
                report["copied"] += 1
                report["bytes"] += size
            bar.update(1)
    return report


def summary(report, dry_run=False):
    """The report in lines, as the command prints it and the job logs it."""
    verb = "would copy" if dry_run else "copied"
    return "\n".join([f"Storage migration to s3: {verb} {report['copied']} files ({report['bytes']} bytes), "
                      f"{report['skipped']} already there, {len(report['failed'])} failed, "
                      f"{len(report['ignored'])} not Backend2's (left alone)",
                      *(f"  failed: {failure['name']}: {failure['error']}" for failure in report["failed"])])


def migrate_job():
    """The job `migrate_storage` (`flask --app backend2 storage migrate --to s3 --queue`), on a worker."""
    log.info(summary(migrate_to_s3(logged_progress)))
