"""A device on a socket, as the apps connect: python-socketio's client, recording every event."""
import threading
import time

import socketio


class SocketClient:
    """A device connected with python-socketio's client, recording every event it receives."""

    def __init__(self, base, token=None, transports=None, auth=None, headers=None, query=""):
        self.events = []
        self._arrived = threading.Condition()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("*", self._record)
        url = f"{base}?{query}" if query else base
        self.sio.connect(url, auth=auth if auth is not None else ({"token": token} if token else None),
                         headers=headers or {}, transports=transports, wait_timeout=10)

    def _record(self, event, *args):
        with self._arrived:
            self.events.append((event, args[0] if args else None))
            self._arrived.notify_all()

    def call(self, event, data=None, timeout=10):
        return self.sio.call(event, data, timeout=timeout)

    def wait_for(self, event, match=lambda data: True, timeout=10):
        """The first `event` whose data satisfies `match`, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for name, data in self.events:
                    if name == event and match(data):
                        return data
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no {event!r} matching within {timeout}s; got {[e for e, _ in self.events]}")
                self._arrived.wait(remaining)

    def received(self, event, match=lambda data: True):
        with self._arrived:
            return [data for name, data in self.events if name == event and match(data)]

    def close(self):
        if self.sio.connected:
            self.sio.disconnect()
