"""The shared caches hold at most CACHE_MAX_ENTRIES (infra/shared_cache.py): when full, the
expired entries go first, then the oldest until half is free; what went is read from its source
again."""
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
    made = cache(max_entries=4, ttl=10)
    reads_of(made, ["old 1", "old 2", "old 3"])
    now[0] += 11
    reads_of(made, ["x"])
    assert reads_of(made, ["y"]) == ["y"]
    assert sorted(key for _, key in made.entries) == ["x", "y"]
    assert reads_of(made, ["x", "y"]) == []


def test_a_working_set_near_the_bound_is_swept_once_per_half_of_it(monkeypatch):
    """Entries expiring one by one as new ones come: each sweep frees half the cache, not the
    few that expired since the one before (a scan of the whole cache every few reads)."""
    now = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: now[0])
    made = cache(max_entries=100, ttl=10)
    sweeps = 0
    for n in range(2000):
        now[0] += 0.1  # about 100 live at any time: the bound's size
        before = len(made.entries)
        reads_of(made, [f"user {n}"])
        sweeps += len(made.entries) <= before
        assert len(made.entries) <= 100
    assert sweeps <= 2000 // 50 + 1


def test_reading_again_an_expired_entry_of_a_full_cache_sweeps_nothing(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: now[0])
    made = cache(max_entries=2, ttl=10)
    reads_of(made, ["a"])
    now[0] += 5
    reads_of(made, ["b"])
    now[0] += 6  # a expired, b live
    assert reads_of(made, ["a"]) == ["a"]  # read again in its own place
    assert sorted(key for _, key in made.entries) == ["a", "b"]
