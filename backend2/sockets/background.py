"""The loops every server process runs: due deadlines, keeping its devices alive, erasing
accounts whose deletion grace period is over, disappearing messages whose deadline was lost, and (one process at a time) removing uploads
nothing refers to. Pushes are jobs, sent by workers (backend2/infra/jobs.py)."""
import logging

from backend2.extensions import socketio
from backend2.services.accounts import account_deletion
from backend2.services.media import uploads
from backend2.services.messages import expiry
from backend2.services.people import presence
from backend2.services.support import deadlines
from backend2.sockets.connections import local_devices

log = logging.getLogger(__name__)
ORPHAN_SWEEP_SECONDS = 600


def start_background_tasks(app):
    socketio.start_background_task(_forever, app, deadlines.run_due, app.config["DEADLINE_TICK_SECONDS"])
    socketio.start_background_task(_forever, app, lambda: presence.keep_alive(local_devices()),
                                   app.config["PRESENCE_TTL_SECONDS"] / 3)
    socketio.start_background_task(_forever, app, lambda: uploads.sweep_orphans(ORPHAN_SWEEP_SECONDS),
                                   ORPHAN_SWEEP_SECONDS)
    socketio.start_background_task(_forever, app, account_deletion.erase_due_accounts, ORPHAN_SWEEP_SECONDS)
    # First at start: what fell due while every process was down goes now, even if Redis lost its deadline.
    socketio.start_background_task(_forever, app, expiry.expire_due, expiry.EXPIRY_SWEEP_SECONDS, True)


def _forever(app, work, every, at_start=False):
    """Run `work` every `every` seconds (and once at once, `at_start`). A failure (Redis down, say)
    is retried; it is logged when the failures start and when they end, not on every tick."""
    failing = False
    while True:
        if not at_start:
            socketio.sleep(every)
        at_start = False
        try:
            with app.app_context():
                work()
        except Exception:
            if not failing:
                log.exception("Background task failed; retrying every %ss", every)
            failing = True
        else:
            if failing:
                log.info("Background task works again")
            failing = False
