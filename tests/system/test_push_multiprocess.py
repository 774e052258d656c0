"""Pushes through worker processes: two servers queue, workers send, each push once, whichever
server queued it and whichever worker dies or stops on the way; without a worker messages
still flow and pushes wait; pushes the version before Dramatiq queued are sent after the upgrade."""
import json
import time

import pytest
import redis as redis_lib
import requests

from support.environment import TEST_REDIS_NAMESPACE as NS, TEST_REDIS_URL
from support.people import Person, open_chat
from support.servers import Cluster
from support.waiting import eventually

pytestmark = pytest.mark.redis
PASSWORD = "push-test-password"
# A worker silent for 3 s is dead, and every broker call looks for the dead: recovery in seconds.
FAST_RECOVERY = {"JOBS_HEARTBEAT_TIMEOUT_MS": 3000, "JOBS_MAINTENANCE_CHANCE": 1_000_000}


@pytest.fixture(scope="module")
def cluster(fcm, apns, module_webhook):
    running = Cluster(module_webhook, servers=2, workers=0, **fcm.settings(), **apns.settings(), PUSH_TIMEOUT_MS=2000,
                      **FAST_RECOVERY)
    yield running
    running.close()
    log = running.logs()
    assert "Traceback" not in log, log[log.find("Traceback") - 500:][:4000]


@pytest.fixture
def workers(cluster):
    """`workers()` starts one more worker; all are stopped after the test."""
    started = []

    def start(**settings):
        started.append(cluster.start_worker(**settings))
        return started[-1]

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.stop()
    cluster.workers = [worker for worker in cluster.workers if worker not in started]


@pytest.fixture
def chat_with_a_sleeping_phone(cluster, push_providers):
    """(me, Ada, the conversation, Ada's phone's FCM token): the phone registered on the first server."""
    first, second = cluster.servers
    me, ada = first.register(name="Me"), second.register(name="Ada", password=PASSWORD)
    phone = Person(requests.post(f"{first.base}/auth/login", json={"phone": ada.phone, "password": PASSWORD}).json())
    token = f"fcm-{ada.id}"
    assert requests.put(f"{first.base}/auth/sessions/current/push", headers=phone.headers,
                        json={"fcmToken": token}).status_code == 200
    return me, ada, open_chat(second.base, me, ada), token


def send(server, who, conversation_id, text):
    response = requests.post(f"{server.base}/messages", headers=who.headers,
                             json={"conversationId": conversation_id, "text": text})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def pushed_ids(fcm, token):
    return sorted(push["data"]["messageId"] for push in fcm.matching(lambda push: push["token"] == token))


def all_pushed_once(fcm, token, sent, timeout=40):
    fcm.wait_for(lambda push: push["token"] == token, count=len(sent), timeout=timeout)
    time.sleep(1.5)  # a second copy would come meanwhile
    assert pushed_ids(fcm, token) == sorted(sent)


def test_each_message_is_pushed_once_whichever_server_stored_it_and_whichever_worker_sent_it(
        cluster, fcm, workers, chat_with_a_sleeping_phone):
    workers(), workers()
    me, _, conversation_id, token = chat_with_a_sleeping_phone
    sent = [send(cluster.servers[n % 2], me, conversation_id, f"message {n}") for n in range(12)]
    all_pushed_once(fcm, token, sent)


def test_a_worker_killed_holding_pushes_leaves_them_to_another_and_none_is_sent_twice(
        cluster, fcm, workers, chat_with_a_sleeping_phone):
    me, _, conversation_id, token = chat_with_a_sleeping_phone
    doomed = workers()
    fcm.down_for(4)
    sent = [send(cluster.servers[0], me, conversation_id, f"before the kill {n}") for n in range(6)]
    eventually(lambda: fcm.refused >= 1)  # the doomed worker took them, met the outage, holds them for later
    workers()
    doomed.process.kill()  # SIGKILL: no goodbye, no requeue
    all_pushed_once(fcm, token, sent)


def test_a_worker_told_to_stop_finishes_or_puts_back_what_it_holds_in_time(
        cluster, fcm, workers, chat_with_a_sleeping_phone):
    me, _, conversation_id, token = chat_with_a_sleeping_phone
    leaving = workers()
    fcm.down_for(3)
    sent = [send(cluster.servers[1], me, conversation_id, f"before the deploy {n}") for n in range(4)]
    eventually(lambda: fcm.refused >= 1)
    started = time.monotonic()
    assert leaving.stop(timeout=30), "the worker did not stop by itself within the platform's 30 seconds"
    assert time.monotonic() - started < 30
    assert "Worker stopped" in leaving.log_tail(10**6)
    workers()
    all_pushed_once(fcm, token, sent)


def test_without_a_worker_messages_flow_and_pushes_wait_until_one_starts(
        cluster, fcm, workers, connect, chat_with_a_sleeping_phone):
    me, ada, conversation_id, token = chat_with_a_sleeping_phone
    desktop = connect(cluster.servers[1].base, ada.token)
    sent = [send(cluster.servers[0], me, conversation_id, f"nobody pushes {n}") for n in range(3)]
    for message_id in sent:
        desktop.wait_for("message", lambda m, wanted=message_id: m["id"] == wanted)
    health = requests.get(f"{cluster.servers[0].base}/health").json()
    assert health["status"] == "ok" and health["jobs"]["queued"]["push"] >= 1
    time.sleep(1)
    assert pushed_ids(fcm, token) == []

    workers()
    all_pushed_once(fcm, token, sent)
    eventually(lambda: requests.get(f"{cluster.servers[0].base}/health").json()["jobs"]["queued"]["push"] == 0)


def test_an_outage_backlog_is_bounded_by_push_queue_max_and_drains_after_it(
        cluster, fcm, workers, chat_with_a_sleeping_phone):
    """Which pushes are dropped depends on how the planning jobs interleave (a running one
    counts in the backlog); that none is lost unaccounted for, or sent twice, does not."""
    me, _, conversation_id, token = chat_with_a_sleeping_phone
    health = lambda: requests.get(f"{cluster.servers[0].base}/health").json()  # noqa: E731
    workers(PUSH_QUEUE_MAX=3)
    dropped_before = health()["push"]["dropped"]
    fcm.down_for(6)
    sent = [send(cluster.servers[0], me, conversation_id, f"during the outage {n}") for n in range(3)]
    eventually(lambda: health()["jobs"]["queued"]["push"] >= 2)  # they met the outage and wait to be tried again
    sent += [send(cluster.servers[1], me, conversation_id, f"past the bound {n}") for n in range(3)]
    eventually(lambda: health()["push"]["dropped"] - dropped_before >= 2)  # six pushes, room for three
    assert fcm.matching(lambda push: push["token"] == token) == []

    eventually(lambda: health()["jobs"]["queued"]["push"] == 0, timeout=30)  # the outage over, the backlog drains
    dropped, pushed = health()["push"]["dropped"] - dropped_before, pushed_ids(fcm, token)
    assert len(pushed) == len(set(pushed)) and set(pushed) <= set(sent)  # each at most once
    assert len(pushed) + dropped == 6 and 2 <= dropped <= 4  # every push sent or counted as dropped


def test_pushes_queued_by_the_version_before_dramatiq_are_sent_after_the_upgrade_once(
        cluster, fcm, workers, chat_with_a_sleeping_phone):
    me, _, conversation_id, token = chat_with_a_sleeping_phone
    waiting, sent_before = (send(cluster.servers[0], me, conversation_id, text) for text in ("waiting", "sent"))
    store = redis_lib.Redis.from_url(TEST_REDIS_URL)
    store.delete(*store.keys(f"{NS}:jobs:push*"))  # as if the version before had stored them
    for job_id, job in ((f"plan:message:{waiting}", {"type": "plan", "event": "message", "messageId": waiting}),
                        (f"plan:message:{sent_before}", "done")):
        store.set(f"{NS}:push:job:{job_id}", job if job == "done" else json.dumps(job))
        store.zadd(f"{NS}:push:due", {job_id: time.time()})

    first, second = workers(), workers()
    all_pushed_once(fcm, token, [waiting])
    assert store.zcard(f"{NS}:push:due") == 0 and store.keys(f"{NS}:push:job:*") == []
    moved = [w.log_tail(10**6).count("Moved 1 pushes") for w in (first, second)]
    assert sorted(moved) == [0, 1]
