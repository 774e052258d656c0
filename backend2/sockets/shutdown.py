"""Stopping a process cleanly (a PaaS sends SIGTERM before every restart and deploy).

Calls held by this process's devices end with `server_restart`, for both parties; then every
socket is disconnected by the server, so the apps reconnect (to the next process) at once
instead of waiting for a ping timeout. HTTP requests in flight are left to finish by the
server (`backend2/infra/server.py`), which calls this when it starts to stop.
"""
import logging

from backend2.extensions import socketio
from backend2.infra.server import on_stop
from backend2.services.calls import ringing
from backend2.sockets.connections import CONNECTIONS

log = logging.getLogger(__name__)

# Events emitted just before may travel through Redis; give them time to reach the sockets.
DRAIN_SECONDS = 1


@on_stop
def close_every_socket(app):
    devices = list(CONNECTIONS)
    log.info("Stopping: ending calls and closing %d sockets", len(devices))
    with app.app_context():
        try:
            ringing.end_calls_of_devices(devices, "server_restart")
        except Exception:  # Redis down, say: the calls' own deadlines end them later
            log.exception("Could not end the calls of this process")
        socketio.sleep(DRAIN_SECONDS)
        for device_id in devices:
            socketio.server.disconnect(device_id, ignore_queue=True)
