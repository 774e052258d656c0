"""What every worker shares about pushes, in Redis (in memory without REDIS_URL); the jobs
themselves are Dramatiq's (backend2/infra/jobs.py).

- `b2:push:done:{delivery}` a push that was sent (or given up on), kept for a day: Dramatiq
  runs a job at least once, so a delivery that runs again, or is planned again, is not sent twice;
- `b2:push:lease:{delivery}` held by the worker sending it, for as long as a send can take: the
  same delivery met meanwhile waits for it to end instead of being sent beside it;
- `b2:push:pause:{provider}` a provider that failed or asked to wait: nobody calls it before;
- `b2:push:sent-to:{topic}` the sessions a message's or a call's push went to, for its follow-ups;
- `b2:push:stats` counters shared by every process (/health and /metrics show them).

`b2:push:due` and `b2:push:job:*` are the queue of the versions before Dramatiq: the first
worker moves what they hold into Dramatiq (`move_old_queue`), once.
"""
import json
import time
import uuid

from flask import current_app

from backend2.extensions import redis_store

DONE_TTL_SECONDS = 24 * 3600
OWNER = uuid.uuid4().hex
MINE, DONE = "mine", "done"


def _key(*parts):
    return redis_store.key("push", *parts)


def lease_ms():
    """Longer than a send can take: two provider calls and a token renewal, each within PUSH_TIMEOUT_MS."""
    return 3 * current_app.config["PUSH_TIMEOUT_MS"] + 5000


def claim(delivery_id):
    """MINE when this worker may send the delivery now; DONE when it was sent already; else the
    milliseconds until the worker holding it must have finished."""
    pipe = redis_store.state.pipeline(transaction=False)
    pipe.exists(_key("done", delivery_id))
    pipe.set(_key("lease", delivery_id), OWNER, nx=True, px=lease_ms())
    pipe.pttl(_key("lease", delivery_id))
    done, leased, left = pipe.execute()
    if done:
        if leased:
            redis_store.state.delete(_key("lease", delivery_id))
        return DONE
    return MINE if leased else max(left, 1)


def finish(delivery_id):
    """The delivery is done (sent, or given up on): it is never sent again."""
    pipe = redis_store.state.pipeline(transaction=True)
    pipe.set(_key("done", delivery_id), "1", ex=DONE_TTL_SECONDS)
    pipe.delete(_key("lease", delivery_id))
    pipe.execute()


def release(delivery_id):
    """Let go of a delivery that will be tried again."""
    redis_store.state.delete(_key("lease", delivery_id))


def pause(provider, seconds):
    redis_store.state.set(_key("pause", provider), "1", px=max(1, int(seconds * 1000)))


def paused_for(provider):
    """Seconds until the provider may be called again; 0 when it may now."""
    return max(0, redis_store.state.pttl(_key("pause", provider))) / 1000


def remember(topic, session_ids, ttl_seconds):
    """Note the sessions a push about `topic` (a message, a call) went to, for its follow-ups."""
    if session_ids:
        pipe = redis_store.state.pipeline(transaction=True)
        pipe.sadd(_key("sent-to", topic), *map(str, session_ids))
        pipe.expire(_key("sent-to", topic), int(ttl_seconds) + 1)
        pipe.execute()


def recall(topic, forget=False):
    """The session ids `remember` noted for `topic`; `forget` removes them as well."""
    pipe = redis_store.state.pipeline(transaction=True)
    pipe.smembers(_key("sent-to", topic))
    if forget:
        pipe.delete(_key("sent-to", topic))
    return {member.decode() for member in pipe.execute()[0]}


def count(name, amount=1):
    redis_store.state.hincrby(_key("stats"), name, amount)


def stats():
    """{sent, failed, retried, droppedTokens, dropped} across every process."""
    counters = redis_store.state.hgetall(_key("stats"))
    return {name: int(counters.get(name.encode(), 0)) for name in ("sent", "failed", "retried", "droppedTokens",
                                                                     "dropped")}


def move_old_queue(requeue):
    """Hand every job of the pre-Dramatiq queue to `requeue(job_id, job, delay_ms)`, each once
    whichever worker gets to it first (the one that removes it from `due`); returns how many."""
    moved = 0
    for raw_id, due_at in redis_store.state.zrange(_key("due"), 0, -1, withscores=True):
        job_id = raw_id.decode()
        if not redis_store.state.zrem(_key("due"), job_id):
            continue  # another worker has it
        value = redis_store.state.getdel(_key("job", job_id))
        redis_store.state.delete(_key("lease", job_id))
        if value is not None and value != b"done":
            requeue(job_id, json.loads(value), max(0, (due_at - time.time()) * 1000))
            moved += 1
    return moved
