"""Engine.IO pings from timers instead of one sleeping greenlet per connection.

python-engineio schedules each connection's next ping by starting a greenlet that sleeps for
the ping interval. A gevent greenlet costs about 8 KB of memory while it waits, so a thousand
idle connections carry eight megabytes of sleepers. A libev timer on the hub does the same
job: when it fires it queues the ping, exactly as the greenlet would have after its sleep.
"""
import time

import gevent
from engineio import packet
from engineio.socket import Socket


def _schedule_ping(socket):
    # As engineio's own: only once the previous ping was answered (or at connect).
    if socket.last_ping:
        socket.last_ping = None
        timer = gevent.get_hub().loop.timer(socket.server.ping_interval)
        socket.ping_timer = timer  # a watcher nobody references is stopped
        timer.start(_send_ping, socket)


def _send_ping(socket):
    socket.ping_timer = None
    if not socket.closing and not socket.closed:
        socket.last_ping = time.time()
        socket.send(packet.Packet(packet.PING))


def use_ping_timers():
    """Patch engineio's Socket (every server of this process; ours runs on gevent)."""
    Socket.schedule_ping = _schedule_ping
