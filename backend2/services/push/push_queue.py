"""The push queue: jobs in Redis (in memory without REDIS_URL), due at a time, each run once.

- `b2:push:due` a sorted set of job ids scored by when each is due;
- `b2:push:job:{id}` the job (JSON), kept for a day after it is done as `done`, so the same
  job id can never be queued, and so sent, twice, whichever process tries;
- `b2:push:lease:{id}` held by the process working on a job: a process that dies mid-job
  leaves it to the others once the lease lapses, so queued pushes survive it;
- `b2:push:pause:{provider}` a provider that failed or asked to wait: nobody calls it before;
- `b2:push:stats` counters shared by every process (/health shows them).

Redis holds the backlog of a provider outage, not the processes' memory: each sweep takes at
most `BATCH` due jobs, and the queue refuses jobs beyond PUSH_QUEUE_MAX.
"""
import json
import threading
import time
import uuid

from flask import current_app

from backend2.extensions import redis_store

JOB_TTL_SECONDS = 24 * 3600
DONE = b"done"
OWNER = uuid.uuid4().hex
_work_arrived = threading.Event()


def _due():
    return redis_store.key("push", "due")


def _job(job_id):
    return redis_store.key("push", "job", job_id)


def _lease(job_id):
    return redis_store.key("push", "lease", job_id)


def enqueue(job_id, job, due_at=None):
    """Queue `job` under `job_id` unless that id was queued before; True if it is new."""
    pipe = redis_store.state.pipeline(transaction=True)  # one round trip on the message path
    pipe.zcard(_due())
    pipe.set(_job(job_id), json.dumps(job), nx=True, ex=JOB_TTL_SECONDS)
    pipe.zadd(_due(), {job_id: due_at or time.time()}, nx=True)  # a done job found here is skipped
    waiting, created, _ = pipe.execute()
    if waiting >= current_app.config["PUSH_QUEUE_MAX"] and created:  # full: take it back out
        pipe.delete(_job(job_id))
        pipe.zrem(_due(), job_id)
        pipe.execute()
        count("dropped")
        return False
    _work_arrived.set()
    return bool(created)


def due_ids(limit):
    """Up to `limit` ids of jobs due now, soonest first."""
    return [raw.decode() for raw in redis_store.state.zrangebyscore(_due(), "-inf", time.time(), start=0, num=limit)]


def claim(job_id):
    """The job, if this process now holds its lease; None if another does or it is done.

    A lease outlasts the longest a job can take (two provider calls and a token renewal, each
    within PUSH_TIMEOUT_MS), so nobody else runs a job while its process is still on it.
    """
    lease_ms = 3 * current_app.config["PUSH_TIMEOUT_MS"] + 5000
    pipe = redis_store.state.pipeline(transaction=False)
    pipe.set(_lease(job_id), OWNER, nx=True, px=lease_ms)
    pipe.get(_job(job_id))
    leased, value = pipe.execute()
    if not leased:
        return None
    if value is None or value == DONE:  # done already, or expired unsent
        finish(job_id)
        return None
    return json.loads(value)


def finish(job_id):
    """The job is done (sent, or given up on): it leaves the queue and is never run again."""
    pipe = redis_store.state.pipeline(transaction=True)
    pipe.set(_job(job_id), DONE, xx=True, keepttl=True)
    pipe.zrem(_due(), job_id)
    pipe.delete(_lease(job_id))
    pipe.execute()


def retry_at(job_id, job, due_at):
    """Put the job back, changed (its attempts), to be run at `due_at`."""
    pipe = redis_store.state.pipeline(transaction=True)
    pipe.set(_job(job_id), json.dumps(job), xx=True, keepttl=True)
    pipe.zadd(_due(), {job_id: due_at}, xx=True)
    pipe.delete(_lease(job_id))
    pipe.execute()


def pause(provider, seconds):
    redis_store.state.set(redis_store.key("push", "pause", provider), "1", px=max(1, int(seconds * 1000)))


def paused_for(provider):
    """Seconds until the provider may be called again; 0 when it may now."""
    return max(0, redis_store.state.pttl(redis_store.key("push", "pause", provider))) / 1000


def remember(topic, session_ids, ttl_seconds):
    """Note the sessions a push about `topic` (a message, a call) went to, for its follow-ups."""
    if session_ids:
        pipe = redis_store.state.pipeline(transaction=True)
        pipe.sadd(redis_store.key("push", "sent-to", topic), *map(str, session_ids))
        pipe.expire(redis_store.key("push", "sent-to", topic), int(ttl_seconds) + 1)
        pipe.execute()


def recall(topic, forget=False):
    """The session ids `remember` noted for `topic`; `forget` removes them as well."""
    key = redis_store.key("push", "sent-to", topic)
    pipe = redis_store.state.pipeline(transaction=True)
    pipe.smembers(key)
    if forget:
        pipe.delete(key)
    return {member.decode() for member in pipe.execute()[0]}


def count(name, amount=1):
    redis_store.state.hincrby(redis_store.key("push", "stats"), name, amount)


def stats():
    """{queued, sent, failed, retried, droppedTokens, dropped} across every process."""
    pipe = redis_store.state.pipeline(transaction=False)
    pipe.zcard(_due())
    pipe.hgetall(redis_store.key("push", "stats"))
    queued, counters = pipe.execute()
    names = ("sent", "failed", "retried", "droppedTokens", "dropped")
    return {"queued": queued, **{name: int(counters.get(name.encode(), 0)) for name in names}}


def wait_for_work(timeout):
    """Sleep until a job is queued in this process, or `timeout` seconds have passed."""
    _work_arrived.wait(timeout)
    _work_arrived.clear()
