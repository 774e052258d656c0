"""Connecting and disconnecting: the same token rules as REST, a room per user, presence."""
import logging

from flask import request
from flask_socketio import ConnectionRefusedError, join_room

from backend2.errors import to_app_error
from backend2.extensions import socketio
from backend2.services.accounts.auth import authenticate_token
from backend2.services.calls import ringing
from backend2.services.conversations import typing_indicators
from backend2.services.people import presence
from backend2.services.support import cached
from backend2.sockets.connections import CONNECTIONS, Connection
from backend2.sockets.rooms import user_room

log = logging.getLogger(__name__)


def token_from(auth, req):
    """The token from the `auth` payload ({token}), the `token` query parameter, or a Bearer header."""
    if isinstance(auth, dict) and isinstance(auth.get("token"), str):
        return auth["token"].removeprefix("Bearer ").strip()
    if req.args.get("token"):
        return req.args["token"]
    header = req.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""


@socketio.on("connect")
def connect(auth=None):
    try:
        context = authenticate_token(token_from(auth, request), {"ip": request.remote_addr or "",
                                                                 "userAgent": request.headers.get("User-Agent", "")})
    except Exception as exc:
        error = to_app_error(exc)
        raise ConnectionRefusedError(error.message, {"code": error.code})
    user_id = context.user.id
    session_id = context.session.id if context.session else None
    # With the caches current, each event makes the user from the cache's record (once per change
    # of it), which would replace a copy kept now at the first event: an idle device keeps none.
    kept = None if cached.active() else context.user
    CONNECTIONS[request.sid] = Connection(user_id=user_id, session_id=session_id, user=kept)
    join_room(user_room(user_id))
    try:
        presence.device_connected(context.user, request.sid, session_id)
        ringing.device_joined(user_id, request.sid)
    except Exception:  # presence and calls degrade (Redis down, say); messaging keeps working
        log.exception("Presence or calls unavailable for %s", user_id)


@socketio.on("disconnect")
def disconnect(*reason):
    connection = CONNECTIONS.pop(request.sid, None)
    if connection is None:
        return
    try:
        for conversation_id in connection.typing_in:
            typing_indicators.stop_typing(connection.user_id, conversation_id)
        presence.device_disconnected(str(connection.user_id), request.sid)
    except Exception:  # its deadline reports the device gone once Redis is back
        log.exception("Presence unavailable for %s", connection.user_id)
