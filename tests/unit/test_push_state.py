"""What workers share about pushes, in the real Redis: a delivery is sent by one worker at a
time and never again once done; the queue of the version before Dramatiq moves over once."""
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from backend2.extensions import redis_store
from backend2.services.push import push_state

pytestmark = pytest.mark.redis


@pytest.fixture
def app(make_app, redis_client):
    redis_client.flushdb()
    app = make_app(use_redis=True, PUSH_TIMEOUT_MS=1000)
    with app.app_context():
        yield app


def test_a_delivery_is_held_by_one_worker_and_never_sent_again_once_done(app):
    assert push_state.claim("message:a:s1") == push_state.MINE
    left = push_state.claim("message:a:s1")
    assert isinstance(left, int) and 0 < left <= push_state.lease_ms()
    push_state.finish("message:a:s1")
    assert push_state.claim("message:a:s1") == push_state.DONE
    assert push_state.claim("message:a:s1") == push_state.DONE  # and it holds no lease meanwhile


def test_a_released_delivery_can_be_taken_again(app):
    assert push_state.claim("message:b:s1") == push_state.MINE
    push_state.release("message:b:s1")
    assert push_state.claim("message:b:s1") == push_state.MINE


def test_of_many_workers_claiming_one_delivery_exactly_one_gets_it(app):
    def claim(_):
        with app.app_context():
            return push_state.claim("message:c:s1")

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(claim, range(16)))
    assert outcomes.count(push_state.MINE) == 1


def old_queue(jobs):
    """Write jobs the way the version before Dramatiq queued them: {id: (job or "done", due at)}."""
    for job_id, (job, due_at) in jobs.items():
        redis_store.state.set(redis_store.key("push", "job", job_id), job if job == "done" else json.dumps(job))
        redis_store.state.zadd(redis_store.key("push", "due"), {job_id: due_at})


def test_the_old_queue_moves_over_once_whoever_moves_it_and_what_was_done_stays_done(app):
    now = time.time()
    old_queue({"plan:message:m1": ({"type": "plan", "event": "message", "messageId": "m1"}, now - 5),
               "push:message:m2:s1": ({"type": "push", "sessionId": "s1", "push": {"n": 2}, "attempts": 1}, now + 30),
               "push:message:m3:s1": ("done", now)})
    moved = []

    def move(_):
        with app.app_context():
            return push_state.move_old_queue(lambda job_id, job, delay_ms: moved.append((job_id, job, delay_ms)))

    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(move, range(4)))
    assert sum(counts) == 2 and sorted(m[0] for m in moved) == ["plan:message:m1", "push:message:m2:s1"]
    delays = {job_id: delay for job_id, _, delay in moved}
    assert delays["plan:message:m1"] == 0 and 25_000 < delays["push:message:m2:s1"] <= 30_000
    assert redis_store.state.keys(redis_store.key("push", "job", "*")) == []
    assert redis_store.state.zcard(redis_store.key("push", "due")) == 0
