"""Faults: the Redis or the database of a running server goes away, then comes back."""
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests
import socketio

from backend2.infra.devdb import SharedEmbeddedDatabase
from support.people import open_chat
from support.servers import LiveServer, free_port
from support.sockets import SocketClient

pytestmark = pytest.mark.redis
CLIENTS, MESSAGES_EACH = 20, 30


class PrivateRedis:
    """A redis-server of this test's own, so stopping it disturbs nothing else."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no"], stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).stdout.strip() != b"PONG":
            assert time.monotonic() < deadline, "private redis-server did not start"
            time.sleep(0.05)

    def stop(self):
        self.process.kill()
        self.process.wait()


def wait_until_healthy(*servers, timeout=20):
    """Until /health of every server says ok: database and Redis both answer."""
    deadline = time.monotonic() + timeout
    while any(requests.get(f"{server.base}/health").json()["status"] != "ok" for server in servers):
        assert time.monotonic() < deadline, "health did not recover"
        time.sleep(0.2)


def test_redis_stopping_and_returning_degrades_and_recovers_without_restart(module_webhook, connect):
    """Two processes share the database and a Redis that stops, with sends on both sides of the
    gap, then comes back empty. The sender is on A, the receiver on B."""
    redis, database = PrivateRedis(), SharedEmbeddedDatabase(port=0)
    database.run()
    a, b = servers = [LiveServer(f"{sys.executable} wsgi.py", webhook=module_webhook, REDIS_URL=redis.url,
                                 MONGODB_URI=f"{database.uri}/redis_faults", OTP_SENDER="webhook",
                                 OTP_WEBHOOK_URL=module_webhook.url, DEADLINE_TICK_SECONDS=0.1,
                                 PRESENCE_TTL_SECONDS=3) for _ in range(2)]
    try:
        me, ada = a.register(name="Me"), a.register(name="Ada")
        conversation_id = open_chat(a.base, me, ada)
        sender, receiver = connect(a.base, me.token), connect(b.base, ada.token)
        neighbour = connect(a.base, ada.token)  # the receiver's other device, on the sender's process
        sent = sender.call("message", {"conversationId": conversation_id, "text": "before", "clientId": "f-1"})
        receiver.wait_for("message", lambda m: m["id"] == sent["id"])
        cursor = requests.get(f"{b.base}/messages/sync", headers=ada.headers).json()["nextCursor"]

        redis.stop()
        for server in servers:
            health = requests.get(f"{server.base}/health").json()
            assert health["status"] == "degraded" and health["redis"]["ok"] is False and health["database"]["ok"]
        during = []
        for number in range(3):
            response = requests.post(f"{a.base}/messages", headers=me.headers, timeout=30, json={
                "conversationId": conversation_id, "text": f"during {number}", "clientId": f"r-{number}"})
            assert response.status_code == 201, response.text
            during.append(response.json()["id"])
        ack = sender.call("message", {"conversationId": conversation_id, "text": "socket during", "clientId": "s-1"},
                          timeout=30)
        assert ack.get("text") == "socket during", ack  # stored and acked, even if nobody else hears of it now
        during.append(ack["id"])
        assert neighbour.wait_for("message", lambda m: m["id"] == ack["id"])["text"] == "socket during"
        profile = requests.get(f"{b.base}/users/{me.id}", headers=ada.headers, timeout=30)
        assert profile.status_code == 200 and profile.json()["online"] is False, profile.text  # unknown: offline
        refused = receiver.call("presence", {"userIds": [me.id]}, timeout=30)
        assert refused["error"]["code"] == "redis_unavailable", refused
        time.sleep(5)  # several listener retries and background ticks fail meanwhile

        redis.start()
        wait_until_healthy(*servers)
        delivered, deadline = None, time.monotonic() + 10
        while delivered is None:  # each listener subscribes again within LISTEN_RETRY_SECONDS
            assert time.monotonic() < deadline, "cross-process delivery did not resume"
            after = sender.call("message", {"conversationId": conversation_id, "text": "after",
                                            "clientId": f"f-{time.monotonic()}"})
            try:
                delivered = receiver.wait_for("message", lambda m: m["id"] == after["id"], timeout=1)
            except AssertionError:
                pass
        assert delivered["text"] == "after" and sender.sio.connected and receiver.sio.connected
        time.sleep(1.5)  # a keep-alive period (PRESENCE_TTL_SECONDS / 3): Redis came back empty
        assert receiver.call("presence", {"userIds": [me.id]})["users"][0]["online"] is True
        missed = requests.get(f"{b.base}/messages/sync", params={"since": cursor}, headers=ada.headers).json()["messages"]
        assert set(during) <= {m["id"] for m in missed}  # what the socket missed, sync brings

        history = requests.get(f"{b.base}/messages", params={"conversationId": conversation_id, "limit": 50},
                               headers=ada.headers).json()["messages"]
        stored = [m["id"] for m in history]
        assert all(stored.count(message_id) == 1 for message_id in [sent["id"], *during, delivered["id"]])
        assert all(server.process.poll() is None for server in servers)
        assert a.log_tail(100_000).count("Background task failed") <= 2  # once per loop, not on every tick
    finally:
        for server in servers:
            server.stop()
        redis.stop()
        database.close()


def test_a_hung_redis_makes_nothing_wait(module_webhook, connect):
    """Redis stopped (SIGSTOP: connections stay open, nothing answers), as an overloaded server
    or a network dropping packets does. Every call would wait REDIS_TIMEOUT_MS; after the first
    failure the calls fail at once for a moment instead, so requests stay quick."""
    redis = PrivateRedis()
    server = LiveServer(f"{sys.executable} wsgi.py", webhook=module_webhook, REDIS_URL=redis.url,
                        OTP_SENDER="webhook", OTP_WEBHOOK_URL=module_webhook.url, REDIS_TIMEOUT_MS=500)
    try:
        me, ada = server.register(name="Me"), server.register(name="Ada")
        conversation_id = open_chat(server.base, me, ada)
        sender, receiver = connect(server.base, me.token), connect(server.base, ada.token)

        redis.process.send_signal(signal.SIGSTOP)
        slowest = 0
        for number in range(10):
            started = time.monotonic()
            profile = requests.get(f"{server.base}/users/{ada.id}", headers=me.headers, timeout=30)
            sent = requests.post(f"{server.base}/messages", headers=me.headers, timeout=30, json={
                "conversationId": conversation_id, "text": f"hung {number}"})
            ack = sender.call("message", {"conversationId": conversation_id, "text": f"socket {number}"}, timeout=30)
            slowest = max(slowest, time.monotonic() - started)
            assert profile.status_code == 200 and sent.status_code == 201 and "id" in ack, (profile.text, sent.text)
            assert receiver.wait_for("message", lambda m: m["id"] == ack["id"])  # same process: still live
        assert slowest < 2.5, slowest  # at most a few timeouts of 0.5 s, not one per Redis call
        health = requests.get(f"{server.base}/health", timeout=30).json()
        assert health["status"] == "degraded" and health["redis"]["ok"] is False

        redis.process.send_signal(signal.SIGCONT)
        wait_until_healthy(server)
        assert receiver.call("presence", {"userIds": [me.id]})["users"][0]["online"] is True
    finally:
        redis.process.send_signal(signal.SIGCONT)
        server.stop()
        redis.stop()


def database_server(webhook, database, name):
    return LiveServer(f"{sys.executable} wsgi.py", webhook=webhook, REDIS_URL="", OTP_SENDER="webhook",
                      OTP_WEBHOOK_URL=webhook.url, MONGODB_URI=f"{database.uri}/{name}", MONGODB_TIMEOUT_MS=1000)


def assert_each_fails_fast(server, who, within, paths=("/users?q=Someone", "/conversations", "/health")):
    """What needs the database fails fast (a profile may still come from the caches: that is fine)."""
    for path in paths:
        started = time.monotonic()
        response = requests.get(f"{server.base}{path}", headers=who.headers, timeout=30)
        assert response.status_code == 503 and time.monotonic() - started < within, (path, response.text)
        assert path == "/health" or response.json()["code"] == "database_unavailable"
    assert requests.get(f"{server.base}/health").json()["database"]["ok"] is False
    assert server.process.poll() is None


def test_an_unreachable_database_fails_fast_with_503_and_the_process_recovers(module_webhook):
    port = free_port()
    database = SharedEmbeddedDatabase(port=port)
    database.run()
    server = database_server(module_webhook, database, "faults")
    try:
        me = server.register(name="Me")
        assert requests.get(f"{server.base}/users/profile", headers=me.headers).status_code == 200

        database.close()
        assert_each_fails_fast(server, me, within=3)

        database = SharedEmbeddedDatabase(port=port)  # back, on the same address (and empty: it is in memory)
        database.run()
        wait_until_healthy(server)
        again = server.register(name="Again")
        assert requests.get(f"{server.base}/users/profile", headers=again.headers).json()["name"] == "Again"
    finally:
        server.stop()
        database.close()


def test_a_database_that_stops_answering_fails_fast_and_the_process_recovers(module_webhook):
    """Connected but silent (a hung server, or a network dropping packets): requests must not hang.
    The first waits until the driver's monitor gives the server up (about 3 s here)."""
    database = SharedEmbeddedDatabase(port=0)
    database.run()
    server = database_server(module_webhook, database, "frozen")
    try:
        me = server.register(name="Me")
        database.freeze()
        assert_each_fails_fast(server, me, within=5)

        database.thaw()
        wait_until_healthy(server)
        assert requests.get(f"{server.base}/users/profile", headers=me.headers).json()["name"] == "Me"
    finally:
        database.thaw()
        server.stop()
        database.close()


def test_a_send_whose_write_reply_was_lost_is_announced_by_its_retry(module_webhook, connect):
    """The database applies the insert but the connection drops before its reply: the send
    fails, and the app's retry (same clientId) finds the message stored. That retry must also
    announce it, once; a retry after a send that did announce must not announce it again."""
    database = SharedEmbeddedDatabase(port=0)
    database.run()
    server = LiveServer(f"{sys.executable} wsgi.py", webhook=module_webhook, OTP_SENDER="webhook",
                        OTP_WEBHOOK_URL=module_webhook.url, MONGODB_URI=f"{database.uri}/lost_reply")
    try:
        me, ada = server.register(name="Me"), server.register(name="Ada")
        conversation_id = open_chat(server.base, me, ada)
        sender, receiver = connect(server.base, me.token), connect(server.base, ada.token)
        send = {"conversationId": conversation_id, "text": "maybe", "clientId": "lost-1"}

        database.lose_reply_to_next_write("messages")
        failed = sender.call("message", send)
        assert failed["error"]["code"] == "database_unavailable", failed
        retried = sender.call("message", send)
        assert retried["text"] == "maybe" and retried["clientId"] == "lost-1"
        assert receiver.wait_for("message", lambda m: m["clientId"] == "lost-1")["id"] == retried["id"]
        assert sender.call("message", send)["id"] == retried["id"]  # a third try: no new event

        sent = sender.call("message", {**send, "clientId": "fine-1"})
        assert sender.call("message", {**send, "clientId": "fine-1"})["id"] == sent["id"]
        receiver.wait_for("message", lambda m: m["clientId"] == "fine-1")
        time.sleep(0.5)
        assert [m["clientId"] for m in receiver.received("message")] == ["lost-1", "fine-1"]
        conversation = requests.get(f"{server.base}/conversations/{conversation_id}", headers=ada.headers).json()
        assert conversation["lastMessage"]["id"] == sent["id"]
        history = requests.get(f"{server.base}/messages", params={"conversationId": conversation_id},
                               headers=ada.headers).json()["messages"]
        assert sorted(m["clientId"] for m in history) == ["fine-1", "lost-1"]
    finally:
        server.stop()
        database.close()


def test_a_disappearing_message_whose_write_reply_was_lost_still_goes_at_its_time(module_webhook, connect):
    """The retry that finds the message stored also stores its deadline: it goes within a tick
    of its time, not at the next sweep (EXPIRY_SWEEP_SECONDS, 30 s)."""
    database = SharedEmbeddedDatabase(port=0)
    database.run()
    server = LiveServer(f"{sys.executable} wsgi.py", webhook=module_webhook, OTP_SENDER="webhook",
                        OTP_WEBHOOK_URL=module_webhook.url, MONGODB_URI=f"{database.uri}/lost_expiry",
                        DISAPPEARING_MIN_SECONDS=1, DEADLINE_TICK_SECONDS=0.1)
    try:
        me, ada = server.register(name="Me"), server.register(name="Ada")
        conversation_id = open_chat(server.base, me, ada)
        assert requests.patch(f"{server.base}/conversations/{conversation_id}", headers=me.headers,
                              json={"disappearingSeconds": 2}).status_code == 200
        sender, receiver = connect(server.base, me.token), connect(server.base, ada.token)
        send = {"conversationId": conversation_id, "text": "brief", "clientId": "lost-expiring"}
        database.lose_reply_to_next_write("messages")
        assert sender.call("message", send)["error"]["code"] == "database_unavailable"
        retried = sender.call("message", send)
        gone = receiver.wait_for("message_deleted", lambda e: e["id"] == retried["id"], timeout=6)
        assert gone["scope"] == "expired"
    finally:
        server.stop()
        database.close()


# Last in the module: it kills process B of the module's cluster.
def test_a_process_killed_under_load_loses_and_duplicates_nothing(cluster):
    """Clients on B send without pause; B is SIGKILLed; each client reconnects to A and retries
    the message in flight with the same clientId. Every acked message is stored exactly once."""
    a, b = cluster.servers
    pairs = []
    for _ in range(CLIENTS):
        sender, peer = a.register(name="Sender"), a.register(name="Peer")
        pairs.append((sender, open_chat(a.base, sender, peer)))
    acked, moved = [dict() for _ in pairs], set()

    def send_all(index):
        sender, conversation_id = pairs[index]
        device, number = SocketClient(b.base, sender.token), 0
        while number < MESSAGES_EACH:
            client_id = f"kill-{index}-{number}"
            try:
                ack = device.call("message", {"conversationId": conversation_id, "text": client_id,
                                              "clientId": client_id}, timeout=5)
                acked[index][client_id] = ack["id"]
                number += 1
            except (socketio.exceptions.SocketIOError, OSError):
                device.close()
                device = reconnect(a.base, sender.token)  # the same message is sent again next
                moved.add(index)
        device.close()

    threads = [threading.Thread(target=send_all, args=(index,)) for index in range(CLIENTS)]
    for thread in threads:
        thread.start()
    # Mid-run whatever the machine's speed: once a quarter of the messages are acked.
    deadline = time.monotonic() + 60
    while sum(map(len, acked)) < CLIENTS * MESSAGES_EACH // 4 and time.monotonic() < deadline:
        time.sleep(0.005)
    b.process.send_signal(signal.SIGKILL)
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert len(moved) > CLIENTS // 2  # the kill came mid-run for most of them

    for (sender, conversation_id), acks in zip(pairs, acked):
        stored = requests.get(f"{a.base}/messages", params={"conversationId": conversation_id, "limit": 100},
                              headers=sender.headers).json()["messages"]
        client_ids = [m["clientId"] for m in stored]
        assert len(acks) == MESSAGES_EACH and sorted(client_ids) == sorted(acks), conversation_id
        assert {m["clientId"]: m["id"] for m in stored} == acks  # each ack named the one stored copy


def reconnect(base, token, attempts=50):
    for _ in range(attempts):
        try:
            return SocketClient(base, token)
        except socketio.exceptions.ConnectionError:
            time.sleep(0.1)
    raise AssertionError("could not reconnect")
