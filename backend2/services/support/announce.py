"""The one place an event fans out: `announce(event)` runs every receiver of its type, in the
order `backend2/receivers.py` registered them, and what one of them does wrong stays there.

A receiver that raises is logged (with the event type and the receiver) and counted on
`/metrics` (`backend2_announce_failures_total{event,receiver}`); the receivers after it still
run, and the service that announced carries on: the change is stored, so its request succeeds.
What the failure cost is repaired elsewhere: a message whose delivery failed is marked for
its sender's retry to announce again (`services/messages/sending.py`), and every device finds it at
its next sync.

Receivers are kept per app (`app.extensions`), filled by create_app, so each app the tests
build hears with its own receivers, and adding one that is already there changes nothing.
"""
import logging

from flask import current_app

from backend2.infra import metrics

log = logging.getLogger(__name__)
EXTENSION = "backend2.receivers"


class Receivers:
    """Who hears each type of event, in the order they were added."""

    def __init__(self):
        self._by_type = {}

    def add(self, event_type, receiver):
        """`receiver(event)` for every announced `event_type`; adding the same pair again changes nothing."""
        present = self._by_type.get(event_type, ())
        if receiver not in present:
            self._by_type[event_type] = (*present, receiver)

    def of(self, event_type):
        return self._by_type.get(event_type, ())


def receivers_of(app):
    """The app's receivers (empty until create_app registers them)."""
    return app.extensions.setdefault(EXTENSION, Receivers())


def announce(event):
    """Run every receiver of `event`'s type; True when none of them raised."""
    delivered = True
    for receiver in receivers_of(current_app).of(type(event)):
        try:
            receiver(event)
        except Exception:
            delivered = False
            event_name, receiver_name = type(event).__name__, name_of(receiver)
            log.exception("Receiver %s failed on %s; the change stays stored", receiver_name, event_name)
            metrics.announce_failures.labels(event_name, receiver_name).inc()
    return delivered


def name_of(receiver):
    """`module.function` of a receiver, as logs and metrics name it."""
    return f"{getattr(receiver, '__module__', '?')}.{getattr(receiver, '__qualname__', repr(receiver))}"
