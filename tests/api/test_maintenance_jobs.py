"""Maintenance work on a worker: the CLI's `--queue` leaves a job in Redis that a Dramatiq
worker runs; without REDIS_URL there is no worker to leave it to, and the command says so."""
import dramatiq
import pytest

from backend2.extensions import jobs
from backend2.models import Message
from support.people import AppWorld
from support.waiting import eventually


def unindexed_messages(app, otp_inbox, count):
    """(world, reader, conversation id) with `count` messages stored as before search words."""
    world = AppWorld(app.test_client(), otp_inbox)
    me, ada = world.person("Me"), world.person("Ada")
    conversation_id = world.chat(me, ada)
    for i in range(count):
        world.say(ada, conversation_id, f"archived note {i}")
    with app.app_context():
        Message.objects(conversation=conversation_id).update(unset__search_terms=True)
    return world, me, conversation_id


def found(world, who, q):
    response = world.client.get("/messages/search", headers=who.headers, query_string={"q": q})
    return response.get_json()["messages"]


@pytest.mark.redis
def test_index_search_queued_by_the_cli_runs_on_a_worker(make_app, otp_inbox, redis_client):
    app = make_app(use_redis=True)
    world, me, _ = unindexed_messages(app, otp_inbox, 3)
    result = app.test_cli_runner().invoke(args=["messages", "index-search", "--queue"])
    assert result.exit_code == 0 and "queued for a worker (job index_search)" in result.output
    with app.app_context():
        assert jobs.depth()["default"] == 1
    assert found(world, me, "archived") == []  # the web side only queued it

    worker = dramatiq.Worker(jobs.broker, worker_timeout=100, worker_threads=1)
    worker.start()
    try:
        assert len(eventually(lambda: found(world, me, "archived note"))) == 3
    finally:
        worker.stop()
    with app.app_context():
        assert jobs.depth()["default"] == 0 and jobs.counts()["done"] == 1


@pytest.mark.redis
def test_a_migration_with_no_bucket_to_copy_to_is_refused_before_it_is_queued(make_app, redis_client):
    app = make_app(use_redis=True)
    result = app.test_cli_runner().invoke(args=["storage", "migrate", "--to", "s3", "--queue"])
    assert result.exit_code == 1 and "Set S3_BUCKET" in result.output
    with app.app_context():
        assert jobs.depth()["default"] == 0


@pytest.mark.parametrize("command", [["messages", "index-search", "--queue"],
                                     ["storage", "migrate", "--to", "s3", "--queue"]])
def test_queue_without_redis_is_refused_and_nothing_runs(make_app, otp_inbox, command):
    app = make_app(use_redis=False, S3_BUCKET="a-bucket")
    world, me, _ = unindexed_messages(app, otp_inbox, 1)
    result = app.test_cli_runner().invoke(args=command)
    assert result.exit_code == 1 and "--queue needs REDIS_URL and a worker process" in result.output
    assert found(world, me, "archived") == []
