"""`flask --app backend2 worker`: a worker process (the Procfile's `worker:` line), which runs
the background jobs web processes queue, until SIGTERM.

It first moves the pushes a version before Dramatiq left in its own queue into Dramatiq (each
once, whichever worker starts first), so none queued across the upgrade is lost.
"""
import importlib
import logging

import click

from backend2.extensions import jobs
from backend2.services.push import push_sender

log = logging.getLogger(__name__)


@click.command("worker")
def worker_cli():
    """Run the background jobs (pushes, exports, ...) until SIGTERM."""
    if jobs.runs_here:
        raise click.ClickException("REDIS_URL is not set: without it every web process runs its own jobs")

    def move_old_queue():
        moved = push_sender.move_old_queue()
        if moved:
            log.info("Moved %s pushes from the queue of the version before into Dramatiq", moved)

    # Web processes import these at a first link preview (services/messages/link_previews.py); a
    # worker runs that job, so a library they need that is missing stops it here, at its start.
    for module in ("backend2.infra.page_fetcher", "backend2.utils.page_meta"):
        importlib.import_module(module)
    jobs.run_worker(before_start=move_old_queue)
    log.info("Worker exited")
