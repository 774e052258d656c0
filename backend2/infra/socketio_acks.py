"""Whether the client asked for an ack of the event being handled (python-socketio 5.18.1).

python-socketio knows it (the packet id) but does not tell handlers, so `track_ack_requests`
wraps the one method that receives it (`Server._handle_event_internal`, private). Handlers run
in the same greenlet, where the context variable is set. An event sent without an ack gets its
error as an `error` event instead (tests/realtime/test_realtime.py).
"""
import contextvars

_requested = contextvars.ContextVar("ack_requested", default=True)


def track_ack_requests(server):
    """Record, for each event, whether the client asked for an ack.

    python-socketio knows it (the packet id) but does not tell handlers, so this wraps the one
    method that receives it. Handlers run in the same greenlet, where the context var is set.
    """
    original = server._handle_event_internal

    def handle(server_, sid, eio_sid, data, namespace, ack_id):
        token = _requested.set(ack_id is not None)
        try:
            return original(server_, sid, eio_sid, data, namespace, ack_id)
        finally:
            _requested.reset(token)

    server._handle_event_internal = handle


def ack_requested():
    return _requested.get()
