"""The clients' protocol floor, said in the log: Socket.IO v3/v4 clients (Engine.IO 4) connect;
an app built on Socket.IO v2 (Engine.IO 3) is refused by python-engineio 4.15 with 400 "The
client is using an unsupported version of the Socket.IO or Engine.IO protocols". That refusal is
logged here once per client address, so an operator can tell an outdated app from an outage.

A WSGI middleware around everything (Flask-SocketIO's included), since Socket.IO requests never
reach Flask. The address is the first of X-Forwarded-For when a proxy set it.
"""
import logging
from collections import OrderedDict

from backend2.infra import metrics

log = logging.getLogger(__name__)
REMEMBERED_ADDRESSES = 10_000


class OutdatedClientLog:
    def __init__(self, wsgi_app, path="/socket.io"):
        self.wsgi_app, self.path = wsgi_app, path
        self.seen = OrderedDict()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith(self.path) and "EIO=3" in environ.get("QUERY_STRING", "").split("&"):
            metrics.outdated_clients.inc()
            self._note(environ.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip() or environ.get("REMOTE_ADDR", ""),
                       environ.get("HTTP_USER_AGENT", ""))
        return self.wsgi_app(environ, start_response)

    def _note(self, address, agent):
        if address in self.seen:
            self.seen.move_to_end(address)
            return
        self.seen[address] = True
        if len(self.seen) > REMEMBERED_ADDRESSES:
            self.seen.popitem(last=False)
        log.warning("Refused a Socket.IO v2 client (Engine.IO 3) at %s (%s): the app is older than this server "
                    "supports (Socket.IO v3/v4 clients, Engine.IO 4); it needs an update", address, agent[:120])
