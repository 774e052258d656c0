"""`--queue` on a maintenance command: leave the work to a worker instead of doing it here."""
import click

from backend2.extensions import jobs


def queue_for_worker(job, what):
    """Enqueue the job `job` and say so; without REDIS_URL there is no worker to leave it to."""
    if jobs.runs_here:
        raise click.ClickException("--queue needs REDIS_URL and a worker process; without them run it here")
    jobs.enqueue(job)
    click.echo(f"{what}: queued for a worker (job {job}); its log says how it went")
