"""The loops every server process runs: due deadlines, keeping its devices alive, sending
queued pushes (when push is on), erasing accounts whose deletion grace period is over, and
(one process at a time) removing uploads nothing refers to."""
import logging

from backend2.extensions import push_gateways, socketio
from backend2.services.accounts import account_deletion
from backend2.services.media import uploads
from backend2.services.people import presence
from backend2.services.push import push_queue, push_sender
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
    if push_gateways.enabled:  # woken at once by this process's pushes, by others' within a poll
        socketio.start_background_task(_forever, app, push_sender.run_push_queue, app.config["PUSH_POLL_SECONDS"],
                                       push_queue.wait_for_work)


def _forever(app, work, every, wait=socketio.sleep):
    """Run `work` every `every` seconds (after `wait(every)`). A failure (Redis down, say) is
    retried; it is logged when the failures start and when they end, not on every tick."""
    failing = False
    while True:
        wait(every)
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
