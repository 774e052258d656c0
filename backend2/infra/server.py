"""Serving: gevent's WSGI server with websockets, with TCP_NODELAY on every connection.

Neither gevent's server nor gevent-websocket sets TCP_NODELAY, so small writes (acks,
events) wait for Nagle's algorithm and the peer's delayed ACK: about 40 ms at light load.
`python wsgi.py` serves with `serve()`; gunicorn uses `NoDelayWebSocketWorker` (Procfile,
infra/gunicorn_worker.py, so that a process gevent serves does not import gunicorn). Both stop
gracefully on SIGTERM, calling the `on_stop` hooks (backend2/sockets/shutdown.py).
Depends on gevent 26.9.0 and gevent-websocket 0.10.1 (`WebSocketHandler`, `GeventWebSocketWorker`);
tests/system/test_server_process.py runs both servers.
"""
import logging
import signal
import socket

import gevent
from gevent import pywsgi
from gevent.pool import Pool
from geventwebsocket.handler import WebSocketHandler

log = logging.getLogger(__name__)

GRACEFUL_SECONDS = 20  # as the Procfile's --graceful-timeout
_on_stop = []


def on_stop(hook):
    """Register `hook(app)`, called when the server starts to stop (sockets/shutdown.py)."""
    _on_stop.append(hook)
    return hook


def stopping(app):
    """The server starts to stop: call the `on_stop` hooks."""
    for hook in _on_stop:
        hook(app)


class NoDelayHandler(WebSocketHandler):
    """Also reads through a smaller buffer than io's 8 KB: a chat socket mostly waits, and
    the buffer is held per connection for as long as it lives."""

    READ_BUFFER_BYTES = 2048

    def __init__(self, sock, address, server):
        super().__init__(sock, address, server, rfile=sock.makefile("rb", self.READ_BUFFER_BYTES))

    def handle(self):
        try:
            self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # not a TCP socket (a Unix socket, say)
            pass
        super().handle()


def serve(app, host, port):
    """Serve until SIGTERM or SIGINT, then stop as the gunicorn worker does."""
    server = pywsgi.WSGIServer((host, port), app, handler_class=NoDelayHandler, log=None, spawn=Pool())

    def stop():
        server.close()  # no new connections
        stopping(app)
        server.stop(timeout=GRACEFUL_SECONDS)  # waits for requests in flight

    for signum in (signal.SIGTERM, signal.SIGINT):
        gevent.signal_handler(signum, gevent.spawn, stop)
    log.info("Serving on %s:%s", host, port)
    server.serve_forever()
