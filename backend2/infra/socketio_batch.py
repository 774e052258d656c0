"""Emitting several events at once: `emit_each([(event, data, rooms), ...])`.

A message's copies differ between recipients (the sender's has its status, a mentioned
member's says so), so one message is several emits. With the Redis manager they travel to
the other processes in one publish (socketio_redis_manager.py); alone, they are emitted here.
Payloads are JSON (dicts, lists, strings, numbers), never bytes.
"""
import socketio


class BatchEmitting:
    def emit_each(self, emits, namespace="/"):
        for event, data, rooms in emits:
            self.emit(event, data, namespace, room=rooms)


class LocalManager(BatchEmitting, socketio.Manager):
    """The manager of a process that is alone (no REDIS_URL)."""
