"""The socket side of the one error path: every event is validated by the REST schema, and
any failure becomes an error ack (or an `error` event when the client asked for no ack).

Every event spends from its connection's budget (RATE_LIMIT_SOCKET_EVENTS); one over it is
answered `rate_limited` and the connection stays up, until it has been answered so
SOCKET_FLOOD_WARNINGS times: then it is closed, with an `error` event saying why."""
import logging
import time
from functools import wraps

from flask import current_app, request
from flask_socketio import disconnect
from marshmallow import ValidationError

from backend2.errors import Codes, ValidationFailed, to_app_error
from backend2.extensions import socketio
from backend2.infra import metrics
from backend2.sockets.connections import CONNECTIONS, current_connection, current_socket_user
from backend2.infra.socketio_acks import ack_requested
from backend2.infra.socketio_packets import MALFORMED_EVENT

log = logging.getLogger(__name__)


def load(schema, payload):
    try:
        return schema.load(payload)
    except ValidationError as error:
        raise ValidationFailed.for_fields(error.messages if isinstance(error.messages, dict)
                                          else {"_schema": error.messages})


def socket_event(name, schema=None):
    """Register `function(user, data)` for event `name`; its return value is the ack."""

    def register(function):
        loader = schema() if schema else None  # one per event: loading keeps no state on the schema

        @wraps(function)
        def handler(payload=None, *extra):
            started = time.perf_counter()
            try:
                current_connection().budget.spend()
                user = current_socket_user()
                data = load(loader, payload) if loader else payload
                answer = function(user, data)
                metrics.socket_events.labels(name, "ok").inc()
                return answer
            except Exception as exc:
                error = to_app_error(exc).to_dict()
                metrics.socket_events.labels(name, error["code"]).inc()
                if error["code"] == Codes.RATE_LIMITED:
                    _warned()
                if not ack_requested():
                    socketio.emit("error", {**error, "event": name}, to=request.sid)
                return {"error": error}
            finally:
                metrics.observe_since(metrics.socket_seconds, started, name)

        socketio.on_event(name, handler)
        return function

    return register


def _warned():
    """One more `rate_limited` answer to this connection; too many, and it is closed."""
    connection = CONNECTIONS.get(request.sid)
    if connection is None:
        return
    connection.rate_warnings += 1
    if connection.rate_warnings >= current_app.config["SOCKET_FLOOD_WARNINGS"]:
        log.warning("Closing socket %s of user %s: it kept flooding after %s warnings", request.sid,
                    connection.user_id, connection.rate_warnings)
        socketio.emit("error", {"code": Codes.RATE_LIMITED, "message": "Disconnected: too many events after "
                                "rate_limited warnings; reconnect and slow down", "event": "disconnect"},
                      to=request.sid)
        disconnect(request.sid)


@socket_event(MALFORMED_EVENT)
def malformed(user, data):
    raise ValidationFailed("The payload is not JSON, or is nested too deeply", code=Codes.MALFORMED_PAYLOAD)
