"""This process's live connections, and who each one belongs to."""
import time
from dataclasses import dataclass, field

from flask import current_app, request

from backend2.errors import Codes, Unauthorized
from backend2.infra import metrics
from backend2.services.accounts import auth
from backend2.services.people import directory, sessions
from backend2.services.support import cached, rate_budgets


@dataclass(slots=True)
class Connection:
    user_id: object
    session_id: object
    user: object = None
    user_record: object = None  # the cached record `user` was made from (services/support/cached.py)
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

    While the caches are current (services/support/cached.py), every event checks the session and the
    user against them, at no database cost: a device signed out elsewhere is refused at its next
    event, and a changed user is seen at once. Otherwise both are read again every
    SOCKET_SESSION_CHECK_SECONDS.
    """
    connection = current_connection()
    if cached.active():
        return _checked_against_caches(connection)
    interval = current_app.config["SOCKET_SESSION_CHECK_SECONDS"]
    if connection.user is not None and time.monotonic() - connection.checked_at <= interval:
        return connection.user
    if connection.session_id is not None and sessions.active_session(connection.session_id, connection.user_id) is None:
        raise Unauthorized("This session has ended; sign in again", code=Codes.SESSION_REVOKED)
    user = directory.find_user(connection.user_id)
    auth.refuse_closed_account(user)
    connection.user, connection.checked_at = user, time.monotonic()
    return user


def _checked_against_caches(connection):
    if connection.session_id is not None and not cached.session_is_live(connection.session_id, connection.user_id):
        raise Unauthorized("This session has ended; sign in again", code=Codes.SESSION_REVOKED)
    record = cached.user_record(connection.user_id)
    if record is not connection.user_record:
        connection.user = cached.user_from(record) if record is not None else None
        connection.user_record = record
    auth.refuse_closed_account(connection.user)
    return connection.user


def local_devices():
    """(user_id, device_id, session_id) of every connection this process holds."""
    return [(str(c.user_id), sid, c.session_id) for sid, c in list(CONNECTIONS.items())]
