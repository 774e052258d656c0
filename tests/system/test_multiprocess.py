"""Two server processes sharing Redis act as one server."""
import signal
import sys
import time
import uuid

import pytest
import redis as redis_lib
import requests

from support.environment import TEST_REDIS_URL
from support.people import open_chat
from support.servers import LiveServer, chatting_pairs, run_load

pytestmark = pytest.mark.redis
CLUSTER_SETTINGS = {"PRESENCE_TTL_SECONDS": 3, "TYPING_TTL_SECONDS": 1, "DEADLINE_TICK_SECONDS": 0.1}


@pytest.fixture
def split_pair(cluster):
    """Two users registered on process A; `me` connects to A, `ada` to B."""
    a, b = cluster.servers
    me, ada = a.register(name="Me"), a.register(name="Ada")
    return a, b, me, ada, open_chat(a.base, me, ada)


def test_the_processes_share_data(split_pair):
    a, b, me, ada, conversation_id = split_pair
    assert requests.get(f"{b.base}/conversations/{conversation_id}", headers=ada.headers).status_code == 200


def test_messages_cross_processes_both_ways(split_pair, connect):
    a, b, me, ada, conversation_id = split_pair
    on_a, on_b = connect(a.base, me.token), connect(b.base, ada.token)
    ada_second_device_on_a = connect(a.base, ada.token)

    sent = on_a.call("message", {"conversationId": conversation_id, "text": "A to B"})
    assert on_b.wait_for("message", lambda m: m["id"] == sent["id"])["text"] == "A to B"
    ada_second_device_on_a.wait_for("message", lambda m: m["id"] == sent["id"])

    reply = on_b.call("message", {"conversationId": conversation_id, "text": "B to A"})
    assert on_a.wait_for("message", lambda m: m["id"] == reply["id"])["from"] == ada.id

    rest = requests.post(f"{b.base}/messages", headers=ada.headers, json={"conversationId": conversation_id, "text": "REST on B"}).json()
    on_a.wait_for("message", lambda m: m["id"] == rest["id"])


def test_receipts_and_typing_cross_processes(split_pair, connect):
    a, b, me, ada, conversation_id = split_pair
    on_a, on_b = connect(a.base, me.token), connect(b.base, ada.token)
    sent = on_a.call("message", {"conversationId": conversation_id, "text": "read me"})
    on_b.call("read_up_to", {"conversationId": conversation_id, "upTo": sent["id"]})
    assert on_a.wait_for("read_up_to", lambda d: d["userId"] == ada.id)["upTo"] == sent["createdAt"]

    on_b.call("typing", {"conversationId": conversation_id})
    on_a.wait_for("typing", lambda d: d["userId"] == ada.id)
    on_a.wait_for("typing-stopped", lambda d: d["userId"] == ada.id, timeout=4)
    time.sleep(0.5)
    assert len(on_a.received("typing-stopped")) == 1  # fired once, by one process


def test_presence_counts_devices_across_processes(split_pair, connect):
    a, b, me, ada, conversation_id = split_pair
    watcher = connect(a.base, ada.token)
    device_on_a = connect(a.base, me.token)
    watcher.wait_for("presence", lambda p: p["userId"] == me.id and p["online"])
    device_on_b = connect(b.base, me.token)
    assert {u["userId"]: u["online"] for u in device_on_b.call("presence", {"userIds": [me.id]})["users"]} == {me.id: True}
    device_on_a.close()
    time.sleep(0.5)
    assert not watcher.received("presence", lambda p: p["userId"] == me.id and not p["online"])
    device_on_b.close()
    watcher.wait_for("presence", lambda p: p["userId"] == me.id and not p["online"])
    assert len(watcher.received("presence", lambda p: p["userId"] == me.id and p["online"])) == 1


def test_three_hundred_busy_clients_over_two_processes_lose_nothing(cluster, tmp_path):
    """Past 200 busy clients the stock Redis manager runs out of pool connections and drops
    publishes; with the bounded waiting pool every acknowledged message arrives exactly once.

    All 300 send at once; the shared test database serialises every command, so each client
    sends few messages and acks may take long: what is checked is that nothing is lost.
    """
    clients = chatting_pairs(cluster.servers, 150)
    plan = {"clients": clients, "messagesPerSender": 3, "window": 1, "ackTimeoutMs": 90000, "drainMs": 60000}
    result = run_load(plan, tmp_path)
    assert result["connections"] == 300, result
    assert result["errors"] == {}, result
    assert result["acked"] == result["sent"] == 900, result
    assert result["delivered"] == 900 and result["duplicates"] == 0 and result["missing"] == 0, result
    for server in cluster.servers:
        assert requests.get(f"{server.base}/health").json()["status"] == "ok"


# Last in the module: it kills process B of the shared cluster.
def test_a_killed_process_users_go_offline_within_the_ttl(cluster, connect):
    a, b = cluster.servers
    me, ada = a.register(name="Doomed"), a.register(name="Watcher")
    open_chat(a.base, me, ada)
    watcher = connect(a.base, ada.token)
    connect(b.base, me.token)
    watcher.wait_for("presence", lambda p: p["userId"] == me.id and p["online"])

    b.process.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    offline = watcher.wait_for("presence", lambda p: p["userId"] == me.id and not p["online"], timeout=10)
    assert time.monotonic() - killed_at < 3 + 2  # PRESENCE_TTL_SECONDS=3, plus sweeping
    assert offline["lastSeen"].endswith("Z")
    assert requests.get(f"{a.base}/users/{me.id}", headers=ada.headers).json()["online"] is False


def test_deployments_with_their_own_namespace_share_one_redis_apart(module_webhook, connect):
    """Two deployments (each one process, each its own database) on one Redis. B sweeps deadlines
    every 10 ms: were the deadlines shared, B would claim A's typing deadline and A's watcher
    would never hear typing-stopped."""
    namespaces = [f"deploy-{uuid.uuid4().hex[:6]}" for _ in range(2)]
    a, b = [LiveServer(f"{sys.executable} wsgi.py", webhook=module_webhook, OTP_SENDER="webhook",
                       OTP_WEBHOOK_URL=module_webhook.url, REDIS_NAMESPACE=namespace, TYPING_TTL_SECONDS=1,
                       DEADLINE_TICK_SECONDS=tick) for namespace, tick in zip(namespaces, (0.5, 0.01))]
    try:
        me, ada = a.register(name="Me"), a.register(name="Ada")
        conversation_id = open_chat(a.base, me, ada)
        typist, watcher = connect(a.base, me.token), connect(a.base, ada.token)
        connect(b.base, b.register(name="Other").token)
        for _ in range(3):
            typist.call("typing", {"conversationId": conversation_id})
            watcher.wait_for("typing-stopped", timeout=4)
            watcher.events.clear()

        redis = redis_lib.Redis.from_url(TEST_REDIS_URL)
        assert redis.exists(f"{namespaces[0]}:presence:{me.id}")
        for namespace in namespaces:  # each deployment's state, channel and limits under its own name
            assert redis.exists(f"{namespace}:deadlines") and redis.keys(f"LIMITS:LIMITER/{namespace}:limits/*")
            assert redis.pubsub_numsub(f"{namespace}:socketio") == [(f"{namespace}:socketio".encode(), 1)]
    finally:
        a.stop()
        b.stop()
