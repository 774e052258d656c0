"""The push queue in Redis: each job id runs once, however often and by however many
processes it is queued or claimed; a full queue refuses, and says so."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from backend2.services.push import push_queue

pytestmark = pytest.mark.redis


@pytest.fixture
def queue(make_app):
    app = make_app(use_redis=True, PUSH_QUEUE_MAX=3)
    with app.app_context():
        yield push_queue


def test_a_job_id_is_queued_and_run_once_even_after_it_is_done(queue):
    assert queue.enqueue("push:a", {"n": 1}) is True
    assert queue.enqueue("push:a", {"n": 2}) is False  # waiting already
    assert queue.claim("push:a") == {"n": 1}
    assert queue.claim("push:a") is None  # leased
    queue.finish("push:a")
    assert queue.enqueue("push:a", {"n": 3}) is False  # done: never again
    assert queue.claim("push:a") is None  # found done, and cleared away
    assert queue.due_ids(10) == [] and queue.stats()["queued"] == 0


def test_of_many_claiming_one_job_exactly_one_gets_it(queue, make_app):
    queue.enqueue("push:b", {"n": 1})
    app = make_app(use_redis=True)

    def claim(_):
        with app.app_context():
            return push_queue.claim("push:b")

    with ThreadPoolExecutor(max_workers=8) as pool:
        claimed = [job for job in pool.map(claim, range(16)) if job]
    assert claimed == [{"n": 1}]


def test_a_job_put_back_waits_until_its_time(queue):
    queue.enqueue("push:c", {"n": 1})
    queue.retry_at("push:c", {"n": 1, "attempts": 1}, due_at=9e9)
    assert queue.due_ids(10) == []
    assert queue.claim("push:c") == {"n": 1, "attempts": 1}  # its lease was released


def test_a_full_queue_refuses_new_jobs_and_counts_them(queue):
    assert [queue.enqueue(f"push:{n}", {}) for n in range(4)] == [True, True, True, False]
    assert queue.stats()["queued"] == 3 and queue.stats()["dropped"] == 1


def test_a_job_of_no_known_kind_is_dropped_once_not_retried(queue, caplog):
    from backend2.services.push.push_sender import run_push_queue
    queue.enqueue("push:stranger", {"n": 1})  # say, another deployment's, sharing the namespace
    assert run_push_queue() == 1
    assert queue.stats()["queued"] == 0 and "Traceback" not in caplog.text
    assert "Dropping push job push:stranger" in caplog.text
    assert queue.enqueue("push:stranger", {"n": 1}) is False  # done: never again
