"""A group message's fan-out: every member online with two devices, split over two processes.

    .venv/bin/python bench/fanout.py [--members 256] [--messages 20]

Two Backend2 processes share Redis and one database (backend2.devdb), as `pair` in
bench/run.py. `--members` people form one group; each connects one device to each process
(bench/fanout.js, npm socket.io-client). The first member sends `--messages` messages over
REST, one after another; every device must receive every one. Reported: deliveries, how long
from the first send to the last delivery, deliveries per second, the two processes' CPU per
delivery, and the publishes on the Socket.IO Redis channel per message (counted by listening
to it). For bench/RESULTS.md.
"""
import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "bench"), str(ROOT)]

import redis  # noqa: E402
import requests  # noqa: E402

from run import cpu_seconds  # noqa: E402
from support.environment import TEST_REDIS_URL  # noqa: E402
from support.servers import Cluster  # noqa: E402
from support.webhook import WebhookReceiver  # noqa: E402


SOCKETIO_CHANNEL = "b2:socketio"  # REDIS_NAMESPACE's default, which the cluster keeps


class PublishCounter:
    """Counts what is published on one Redis channel while it listens."""

    def __init__(self, channel):
        self.count, self.pubsub = 0, redis.Redis.from_url(TEST_REDIS_URL).pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(channel)
        self.running = True
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self):
        while self.running:
            if self.pubsub.get_message(timeout=0.2):
                self.count += 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=256)
    parser.add_argument("--messages", type=int, default=20)
    args = parser.parse_args()
    webhook = WebhookReceiver()
    cluster = Cluster(webhook, LOG_LEVEL="WARNING", GROUP_MAX_MEMBERS=max(256, args.members))
    a, b = cluster.servers
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            people = list(pool.map(lambda n: a.register(name=f"Member {n}"), range(args.members)))
        owner = people[0]
        group = requests.post(f"{a.base}/conversations", headers=owner.headers, timeout=60, json={
            "type": "group", "name": "Everyone", "participants": [p.id for p in people[1:]]}).json()["id"]
        clients = [{"url": server.base, "token": person.token} for person in people for server in (a, b)]
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as plan:
            json.dump({"clients": clients, "expect": args.messages, "timeoutMs": 120_000}, plan)
        receivers = subprocess.Popen(["node", str(ROOT / "bench" / "fanout.js"), plan.name],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for line in receivers.stderr:
            if line.strip() == "connected":
                break
        time.sleep(2)  # presence settles
        publishes = PublishCounter(SOCKETIO_CHANNEL)
        cpu_before = sum(cpu_seconds(server.process.pid) for server in cluster.servers)
        started = time.monotonic()
        for number in range(args.messages):
            sent = requests.post(f"{a.base}/messages", headers=owner.headers, timeout=60, json={
                "conversationId": group, "text": f"to everyone {number}", "clientId": f"fanout-{number}"})
            assert sent.status_code == 201, sent.text
        report = json.loads(receivers.communicate(timeout=300)[0].strip().splitlines()[-1])
        elapsed = time.monotonic() - started
        publishes.running = False
        cpu = sum(cpu_seconds(server.process.pid) for server in cluster.servers) - cpu_before
        deliveries = report["received"]
        print(json.dumps({**report, "members": args.members, "devices": len(clients), "messages": args.messages,
                          "seconds": round(elapsed, 2), "deliveriesPerSecond": round(deliveries / elapsed),
                          "serverCpuSeconds": round(cpu, 2),
                          "serverCpuMsPerDelivery": round(cpu * 1000 / max(deliveries, 1), 3),
                          "redisPublishesPerMessage": round(publishes.count / args.messages, 2)}))
    finally:
        cluster.close()
        webhook.close()


if __name__ == "__main__":
    main()
