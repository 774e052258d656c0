"""The socket side of the one error path: every event is validated by the REST schema, and
any failure becomes an error ack (or an `error` event when the client asked for no ack)."""
from functools import wraps

from flask import request
from marshmallow import ValidationError

from backend2.errors import Codes, ValidationFailed, to_app_error
from backend2.extensions import socketio
from backend2.sockets.connections import current_socket_user
from backend2.infra.socketio_acks import ack_requested
from backend2.infra.socketio_packets import MALFORMED_EVENT


def load(schema, payload):
    try:
        return schema.load(payload)
    except ValidationError as error:
        raise ValidationFailed.for_fields(error.messages if isinstance(error.messages, dict)
                                          else {"_schema": error.messages})


def socket_event(name, schema=None):
    """Register `function(user, data)` for event `name`; its return value is the ack."""

    def register(function):
        @wraps(function)
        def handler(payload=None, *extra):
            try:
                user = current_socket_user()
                data = load(schema(), payload) if schema else payload
                return function(user, data)
            except Exception as exc:
                error = to_app_error(exc).to_dict()
                if not ack_requested():
                    socketio.emit("error", {**error, "event": name}, to=request.sid)
                return {"error": error}

        socketio.on_event(name, handler)
        return function

    return register


@socket_event(MALFORMED_EVENT)
def malformed(user, data):
    raise ValidationFailed("The payload is not JSON, or is nested too deeply", code=Codes.MALFORMED_PAYLOAD)
