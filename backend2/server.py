"""Serving: gevent's WSGI server with websockets, with TCP_NODELAY on every connection.

Neither gevent's server nor gevent-websocket sets TCP_NODELAY, so small writes (acks,
events) wait for Nagle's algorithm and the peer's delayed ACK: about 40 ms at light load.
`python wsgi.py` serves with `serve()`; gunicorn uses `NoDelayWebSocketWorker` (Procfile).
"""
import logging
import socket

from gevent import pywsgi
from geventwebsocket.gunicorn.workers import GeventWebSocketWorker
from geventwebsocket.handler import WebSocketHandler

log = logging.getLogger(__name__)


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


class NoDelayWebSocketWorker(GeventWebSocketWorker):
    wsgi_handler = NoDelayHandler


def serve(app, host, port):
    log.info("Serving on %s:%s", host, port)
    pywsgi.WSGIServer((host, port), app, handler_class=NoDelayHandler, log=None).serve_forever()
