"""Rate-limit counters in this process, for a deployment without REDIS_URL: `swept-memory://`.

limits' own memory storage (limits 5.8) starts a timer thread, under gevent a greenlet, on
any hit after the last one ended: one every 10 ms while messages flow, each then walking
every counter to drop the expired ones. Counters are checked for expiry whenever they are
read (`MemoryStorage.get`), so that sweep only frees memory; here it runs in the hit that
finds SWEEP_SECONDS gone since the last one, and no thread is started.
"""
import time

from limits.storage import MemoryStorage

SWEEP_SECONDS = 5.0


class SweptMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = ["swept-memory"]  # limits' registry: RATELIMIT_STORAGE_URI "swept-memory://"

    def __init__(self, uri=None, wrap_exceptions=False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._next_sweep = time.monotonic() + SWEEP_SECONDS

    def _MemoryStorage__schedule_expiry(self):  # what incr and acquire_entry call on every hit
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_SECONDS
            self._MemoryStorage__expire_events()
