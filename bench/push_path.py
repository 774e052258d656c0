"""Pushes through the worker: how soon after the event each reaches the provider, and how many
one worker sends a second.

    .venv/bin/python bench/push_path.py [--calls 40] [--rate 100] [--seconds 10] [--burst 1000]

A real deployment on this machine: one server process (wsgi.py), one worker process (`flask
--app backend2 worker`), the shared embedded database (backend2.devdb, in a process of its
own as a database server is) and the real Redis (database BENCH_REDIS_DB, default 12, emptied
first); the tests' FCM stand-in runs in this process and notes when each push arrives.

1. calls: `--calls` invites, one at a time with the worker idle in between, each to a callee
   whose only device is a sleeping phone: from sending `call:invite` to the ring push arriving;
2. messages at `--rate` a second for `--seconds`, round 50 chats whose recipients sleep: from
   the POST to the push arriving;
3. outage: `--outage` messages sent while FCM answers 503 (Retry-After: 1), then FCM back: how
   long the backlog takes to drain, and whether each push arrived once;
4. burst: `--burst` messages queued while no worker runs, then one worker started: pushes a second.
For bench/RESULTS.md.
"""
import argparse
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
os.environ.setdefault("TEST_REDIS_DB", os.environ.get("BENCH_REDIS_DB", "12"))

import requests  # noqa: E402

from support.people import Person, open_chat  # noqa: E402
from support.push_providers import FcmStandIn  # noqa: E402
from support.servers import Cluster  # noqa: E402
from support.sockets import SocketClient  # noqa: E402
from support.webhook import WebhookReceiver  # noqa: E402

PASSWORD = "bench-password"
OFFER = {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}


def sleeping_phone(server, person, token):
    """A second session of `person`, registered for FCM with `token`, never connected."""
    phone = Person(requests.post(f"{server.base}/auth/login", json={"phone": person.phone, "password": PASSWORD,
                                                                   "platform": "flutter"}).json())
    assert requests.put(f"{server.base}/auth/sessions/current/push", headers=phone.headers,
                        json={"fcmToken": token}).status_code == 200


def percentiles(samples):
    ordered = sorted(samples)
    return {"p50": statistics.median(ordered), "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
            "max": ordered[-1]}


def arrival(fcm, match, timeout=30):
    return fcm.wait_for(match, timeout=timeout)[0]["at"]


def calls(server, fcm, count):
    """ms from call:invite to the ring push, the worker idle before each."""
    caller = server.register(name="Caller")
    device = SocketClient(server.base, caller.token)
    latencies = []
    for n in range(count):
        callee = server.register(name=f"Callee {n}", password=PASSWORD)
        open_chat(server.base, caller, callee)
        sleeping_phone(server, callee, f"fcm-call-{n}")
        time.sleep(0.5)  # the worker idle, its consumers at their slowest poll
        started = time.time()
        call_id = device.call("call:invite", {"to": callee.id, "type": "audio", "offer": OFFER})["callId"]
        at = arrival(fcm, lambda p, token=f"fcm-call-{n}": p["token"] == token and p["data"].get("type") == "call")
        latencies.append(1000 * (at - started))
        device.call("call:hangup", {"callId": call_id})
    device.close()
    return latencies


def chats(server, count, label):
    """[(sender, conversation id, the recipient's phone token)]."""
    found = []
    for n in range(count):
        sender, recipient = server.register(name="Sender"), server.register(name="Recipient", password=PASSWORD)
        token = f"fcm-{label}-{n}"
        sleeping_phone(server, recipient, token)
        found.append((sender, open_chat(server.base, sender, recipient), token))
    return found


def send(server, sender, conversation_id, text):
    response = requests.post(f"{server.base}/messages", headers=sender.headers,
                             json={"conversationId": conversation_id, "text": text})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def messages_at_rate(server, fcm, rate, seconds):
    """ms from POST /messages to the push, `rate` messages a second."""
    people, total = chats(server, 50, "rate"), int(rate * seconds)
    started_at, lock = {}, threading.Lock()

    def one(n):
        sender, conversation_id, _ = people[n % len(people)]
        due = begin + n / rate
        time.sleep(max(0, due - time.monotonic()))
        sent_at = time.time()
        message_id = send(server, sender, conversation_id, f"rate {n}")
        with lock:
            started_at[message_id] = sent_at

    begin = time.monotonic()
    with ThreadPoolExecutor(max_workers=64) as pool:
        list(pool.map(one, range(total)))
    pushes = fcm.wait_for(lambda p: p["data"].get("messageId") in started_at, count=total, timeout=120)
    return [1000 * (p["at"] - started_at[p["data"]["messageId"]]) for p in pushes], time.monotonic() - begin


def outage(server, fcm, count):
    """(pushes queued at the end of the outage, seconds to drain them, pushes that came twice)."""
    people = chats(server, 50, "outage")
    fcm.down_for(3600)
    with ThreadPoolExecutor(max_workers=16) as pool:
        ids = set(pool.map(lambda n: send(server, *people[n % len(people)][:2], f"outage {n}"), range(count)))
    time.sleep(2)  # every push met the outage once and waits for the provider
    queued = requests.get(f"{server.base}/health").json()["jobs"]["queued"]["push"]
    fcm.down_for(0)
    back = time.time()
    pushes = fcm.wait_for(lambda p: p["data"].get("messageId") in ids, count=count, timeout=600)
    time.sleep(2)
    twice = len(fcm.matching(lambda p: p["data"].get("messageId") in ids)) - count
    return queued, max(p["at"] for p in pushes) - back, twice


def burst(cluster, fcm, count):
    """Pushes a second of one worker started on `count` queued messages."""
    server = cluster.servers[0]
    people = chats(server, 50, "burst")
    with ThreadPoolExecutor(max_workers=16) as pool:
        ids = set(pool.map(lambda n: send(server, *people[n % len(people)][:2], f"burst {n}"), range(count)))
    queued = requests.get(f"{server.base}/health").json()["jobs"]["queued"]["push"]
    started = time.time()
    cluster.start_worker()
    pushes = fcm.wait_for(lambda p: p["data"].get("messageId") in ids, count=count, timeout=600)
    return queued, count / (max(p["at"] for p in pushes) - started)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--outage", type=int, default=500)
    parser.add_argument("--burst", type=int, default=1000)
    options = parser.parse_args()
    fcm, webhook = FcmStandIn(), WebhookReceiver()
    cluster = Cluster(webhook, servers=1, workers=1, database_process=True, **fcm.settings())
    server = cluster.servers[0]
    try:
        ring = percentiles(calls(server, fcm, options.calls))
        print(f"call invite -> ring push, worker idle ({options.calls} calls): "
              f"p50 {ring['p50']:.0f} ms, p99 {ring['p99']:.0f} ms, max {ring['max']:.0f} ms")
        latencies, took = messages_at_rate(server, fcm, options.rate, options.seconds)
        sent = percentiles(latencies)
        print(f"message -> push at {len(latencies) / took:.0f} messages/s ({len(latencies)} messages): "
              f"p50 {sent['p50']:.0f} ms, p99 {sent['p99']:.0f} ms, max {sent['max']:.0f} ms")
        queued, drained, twice = outage(server, fcm, options.outage)
        print(f"outage: {queued} push jobs waiting when FCM came back; drained in {drained:.1f} s, "
              f"{twice} sent twice")
        for worker in cluster.workers:
            worker.stop()
        cluster.workers = []
        queued, per_second = burst(cluster, fcm, options.burst)
        print(f"burst: {queued} push jobs queued with no worker, then one worker: {per_second:.0f} pushes/s")
    finally:
        cluster.close()
        fcm.close()
        webhook.close()


if __name__ == "__main__":
    main()
