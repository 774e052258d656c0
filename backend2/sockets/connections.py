"""This process's live connections, and who each one belongs to."""
import time
from dataclasses import dataclass, field

from flask import current_app, request

from backend2.errors import Codes, Unauthorized
from backend2.infra import metrics
from backend2.services import rate_budgets, sessions, users


@dataclass
class Connection:
    user_id: object
    session_id: object
    user: object = None
    checked_at: float = field(default_factory=time.monotonic)
    typing_in: set = field(default_factory=set)
    rate_warnings: int = 0  # events answered `rate_limited`; past SOCKET_FLOOD_WARNINGS it is closed
    budget: rate_budgets.ConnectionBudget = field(default_factory=rate_budgets.ConnectionBudget)


CONNECTIONS = {}
metrics.sockets_connected.set_function(lambda: len(CONNECTIONS))


def current_connection():
    connection = CONNECTIONS.get(request.sid)
    if connection is None:
        raise Unauthorized("This connection is not signed in", code=Codes.NOT_CONNECTED)
    return connection


def current_socket_user():
    """The signed-in user of the event being handled.

    The user is read once and again, with the session, every SOCKET_SESSION_CHECK_SECONDS:
    a device that was signed out elsewhere stops being served, and a renamed user is seen.
    Rules that must be exact (blocks) read the database themselves.
    """
    connection = current_connection()
    interval = current_app.config["SOCKET_SESSION_CHECK_SECONDS"]
    if connection.user is not None and time.monotonic() - connection.checked_at <= interval:
        return connection.user
    if connection.session_id is not None and sessions.active_session(connection.session_id, connection.user_id) is None:
        raise Unauthorized("This session has ended; sign in again", code=Codes.SESSION_REVOKED)
    user = users.find_user(connection.user_id)
    if user is None:
        raise Unauthorized("The account no longer exists", code=Codes.USER_NOT_FOUND)
    connection.user, connection.checked_at = user, time.monotonic()
    return user


def local_devices():
    """(user_id, device_id, session_id) of every connection this process holds."""
    return [(str(c.user_id), sid, c.session_id) for sid, c in list(CONNECTIONS.items())]
