"""gunicorn's worker (the Procfile's `--worker-class`): gevent-websocket's, with infra/server.py's
handler (TCP_NODELAY, a small read buffer) and its graceful stop."""
import gevent
from geventwebsocket.gunicorn.workers import GeventWebSocketWorker

from backend2.infra.server import NoDelayHandler, stopping


class NoDelayWebSocketWorker(GeventWebSocketWorker):
    wsgi_handler = NoDelayHandler

    def handle_exit(self, sig, frame):
        """SIGTERM: gunicorn stops accepting and waits for its connections to end (up to
        --graceful-timeout); closing the sockets lets it, while requests in flight finish."""
        super().handle_exit(sig, frame)
        gevent.spawn(stopping, self.wsgi)
