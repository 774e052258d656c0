"""Deadlines shared by every server process, kept in one sorted set of due times.

Any process may schedule or cancel one; every process sweeps for due ones, and the one whose
ZREM removes an entry runs its handler. So each deadline fires exactly once, whichever
process scheduled it and even if that process has died since.
"""
import logging
import time

from backend2.extensions import redis_store

log = logging.getLogger(__name__)

BATCH = 200
_handlers = {}


def handles(kind):
    """Register the function that runs when a deadline of `kind` is due: f(key)."""

    def register(function):
        _handlers[kind] = function
        return function

    return register


def _sorted_set():
    """The Redis key of every deadline: a sorted set of `kind|key` scored by due time."""
    return redis_store.key("deadlines")


def _member(kind, key):
    return f"{kind}|{key}"


def schedule(kind, key, due_at, pipe=None):
    """Set (or move) the deadline of `kind`/`key` to `due_at` (epoch seconds); on `pipe`, a
    Redis pipeline, when the caller batches it with other commands."""
    (pipe or redis_store.state).zadd(_sorted_set(), {_member(kind, key): due_at})


def cancel(kind, key):
    """Remove the deadline; True if it was still pending (so nobody else will run it)."""
    return redis_store.state.zrem(_sorted_set(), _member(kind, key)) == 1


def run_due(now=None):
    """Claim and run every due deadline; returns how many this process ran."""
    state, deadlines = redis_store.state, _sorted_set()
    due = state.zrangebyscore(deadlines, "-inf", now or time.time(), start=0, num=BATCH)
    ran = 0
    for member in due:
        if not state.zrem(deadlines, member):
            continue  # another process claimed it first
        kind, _, key = member.decode().partition("|")
        try:
            _handlers[kind](key)
            ran += 1
        except Exception:
            log.exception("Deadline %s failed", member)
    return ran
