"""Backend2's Flask class: Flask's own, except that a Socket.IO event's request context is
not routed.

Flask-SocketIO runs every socket event inside `app.request_context(environ)`, the environ of
the connection's first request, a /socket.io/ URL. Flask binds its URL map to that environ
and matches it, on every event, only to find no route (Socket.IO is served before Flask is
reached) and keep a NotFound: about a third of what the context costs an event. Without a URL
adapter Flask does neither; `request.url_rule` stays None, as it was, and no handler of an
event builds URLs with `url_for`.
"""
from flask import Flask

SOCKETIO_PREFIX = "/socket.io/"  # Flask-SocketIO's default path, which create_app keeps


class App(Flask):
    def create_url_adapter(self, request):
        if request is not None and request.environ.get("PATH_INFO", "").startswith(SOCKETIO_PREFIX):
            return None
        return super().create_url_adapter(request)
