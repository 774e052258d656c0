"""Fail fast while Redis is unreachable, instead of waiting out a timeout on every call.

A Redis that is down refuses connections at once, but one that hangs (stopped, overloaded, or
behind a network dropping packets) makes every command wait REDIS_TIMEOUT_MS. A request can
touch Redis several times (rate limit, presence, the Socket.IO publish and its retry), so each
would take seconds. Here the first network failure opens a breaker: for BREAK_SECONDS every
call fails at once with redis.ConnectionError, which the callers already handle (REST keeps
working, socket events answer `redis_unavailable`, /health says degraded). Then the next call
tries the network again, and closes the breaker if it works.
"""
import logging
import time
import weakref

import redis
from redis.connection import parse_url

BREAK_SECONDS = 1.0
log = logging.getLogger(__name__)
BREAKERS = weakref.WeakSet()  # every pool's, for the metrics
on_trip = []  # callables run on every network failure (the metrics count them)


class Breaker:
    def __init__(self):
        self.open_until = 0.0
        BREAKERS.add(self)

    def trip(self, error):
        if time.monotonic() >= self.open_until:
            log.warning("Redis did not answer (%s); failing fast for %ss", error, BREAK_SECONDS)
        self.open_until = time.monotonic() + BREAK_SECONDS
        for listener in on_trip:
            listener()

    def is_open(self):
        return time.monotonic() < self.open_until

    def check(self):
        if time.monotonic() < self.open_until:
            raise redis.ConnectionError("Redis was unreachable just now; failing fast for a moment")


class _TrippingConnection:
    """Mixed into the pool's connection class: a network failure opens the pool's breaker."""

    breaker = None  # set on the class made for each pool

    def _tripping(self, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError) as error:
            self.breaker.trip(error)
            raise

    def connect(self, *args, **kwargs):
        return self._tripping(super().connect, *args, **kwargs)

    def send_packed_command(self, *args, **kwargs):
        return self._tripping(super().send_packed_command, *args, **kwargs)

    def read_response(self, *args, **kwargs):
        return self._tripping(super().read_response, *args, **kwargs)


class BreakerPool(redis.BlockingConnectionPool):
    """A waiting pool whose connections share one breaker."""

    @classmethod
    def for_url(cls, url, **kwargs):
        base = parse_url(url).get("connection_class", redis.Connection)
        connection_class = type(f"Tripping{base.__name__}", (_TrippingConnection, base), {"breaker": Breaker()})
        return cls.from_url(url, connection_class=connection_class, **kwargs)

    def get_connection(self, *args, **kwargs):
        self.connection_class.breaker.check()
        return super().get_connection(*args, **kwargs)
