"""The rate limits' in-process counters (backend2/infra/limit_storage.py): they count and
expire as limits' memory storage does, without a timer thread per hit."""
import threading
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from backend2.infra import limit_storage


def test_a_limit_counts_and_its_window_ends():
    limiter = FixedWindowRateLimiter(storage_from_string("swept-memory://"))
    limit = parse("2/second")
    assert [limiter.hit(limit, "ada") for _ in range(3)] == [True, True, False]
    assert limiter.hit(limit, "bob")  # counted apart
    time.sleep(1.05)
    assert limiter.hit(limit, "ada")


def test_expired_counters_are_swept_by_a_later_hit_and_no_thread_is_started(monkeypatch):
    storage = storage_from_string("swept-memory://")
    time.sleep(0.05)  # limits' own first sweep, started with the storage, is over
    threads = threading.active_count()
    storage.incr("gone", 0.01)
    for _ in range(100):
        storage.incr("kept", 60)
    assert threading.active_count() == threads
    time.sleep(0.02)
    assert "gone" in storage.storage  # expired, and read as 0, but still held until the sweep
    assert storage.get("kept") == 100
    monkeypatch.setattr(limit_storage, "SWEEP_SECONDS", 0)
    storage._next_sweep = 0
    storage.incr("kept", 60)
    assert "gone" not in storage.storage and storage.get("kept") == 101
