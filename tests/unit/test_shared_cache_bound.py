"""The shared caches hold at most CACHE_MAX_ENTRIES (infra/shared_cache.py): when full, the
expired entries go first, then the older half; what went is read from its source again."""
from types import SimpleNamespace

from backend2.infra import shared_cache as module
from backend2.infra.shared_cache import SharedCache


def cache(max_entries, ttl=60):
    made = SharedCache()
    made.init_app(SimpleNamespace(config={"CACHE_TTL_SECONDS": ttl, "CACHE_MAX_ENTRIES": max_entries,
                                          "RECENT_MESSAGES_KEPT": 0, "REDIS_URL": ""}), None, "unused")
    return made


def reads_of(made, keys):
    """Which of `keys` had to be read from their source."""
    read = []
    for key in keys:
        made.get("user", key, lambda key=key: read.append(key) or f"user {key}")
    return read


def test_a_full_cache_drops_its_older_half_and_reads_it_again():
    made = cache(max_entries=4)
    assert reads_of(made, ["a", "b", "c", "d"]) == ["a", "b", "c", "d"]
    assert reads_of(made, ["e"]) == ["e"]
    assert len(made.entries) == 3
    assert reads_of(made, ["c", "d", "e"]) == []
    assert reads_of(made, ["a", "b"]) == ["a", "b"]
    assert len(made.entries) <= 4


def test_the_expired_entries_go_before_any_live_one(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: now[0])
    made = cache(max_entries=3, ttl=10)
    reads_of(made, ["old"])
    now[0] += 11
    reads_of(made, ["x", "y"])
    assert reads_of(made, ["z"]) == ["z"]
    assert sorted(key for _, key in made.entries) == ["x", "y", "z"]
    assert reads_of(made, ["x", "y", "z"]) == []
