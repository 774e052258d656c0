"""No cookie session: requests are signed by bearer tokens, and Flask's own session would
only cost a signing serializer per request and per socket event (Flask-SocketIO opens one
for each) to find that there is no cookie. `flask.session` is Flask's NullSession here."""
from flask.sessions import SessionInterface


class StatelessSessions(SessionInterface):
    def open_session(self, app, request):
        return None  # Flask then uses its NullSession, which refuses writes

    def save_session(self, app, session, response):
        return None
