"""A bounded soak: 500 npm socket.io-client devices over two server processes sharing Redis,
chatting with receipts, typing, REST reads and reconnects between the processes; then nothing
is lost, duplicated or inconsistent, and memory has stopped growing.

It runs for SOAK_SECONDS: 120 in CI (`.ci/run` sets it), 30 by default so that a plain
`make test` stays quick. SOAK_SEND_EVERY_MS=10000 sends twice as often, which saturates the
shared embedded database (bench/RESULTS.md)."""
import json
import os
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from support.people import open_chat
from support.servers import memory_mb

pytestmark = pytest.mark.redis
SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", 30))
SEND_EVERY_MS = int(os.environ.get("SOAK_SEND_EVERY_MS", 20000))  # per device; 10000 saturates devdb
PAIRS = 250
# The shared embedded database (devdb) answers one command at a time: give it time under load.
CLUSTER_SETTINGS = {"LOG_LEVEL": "WARNING", "MONGODB_TIMEOUT_MS": 15000}
DRIVER = Path(__file__).parents[1] / "interop" / "soak.js"


def stored_messages(base, who, conversation_id):
    messages, page = [], 1
    while True:
        body = requests.get(f"{base}/messages", headers=who.headers, timeout=30,
                            params={"conversationId": conversation_id, "limit": 100, "page": page}).json()
        messages += body["messages"]
        if not body["pagination"]["hasMore"]:
            return messages
        page += 1


def server_errors(server):
    return Counter(line.split(" ", 4)[-1][:120] for line in server.log_tail(10**7).splitlines() if " ERROR " in line)


def test_five_hundred_devices_for_two_minutes_lose_nothing(cluster, tmp_path):
    a, b = cluster.servers

    def make_pair(_):
        first, second = a.register(name="Soak"), a.register(name="Soak")
        return first, second, open_chat(a.base, first, second)

    with ThreadPoolExecutor(max_workers=8) as pool:
        pairs = list(pool.map(make_pair, range(PAIRS)))
    clients = []
    for first, second, conversation_id in pairs:
        for me, peer, urls in ((first, second, [a.base, b.base]), (second, first, [b.base, a.base])):
            clients.append({"urls": urls, "token": me.token, "id": me.id, "peerId": peer.id,
                            "conversationId": conversation_id})
    plan, output = tmp_path / "soak.json", tmp_path / "soak-results.json"
    plan.write_text(json.dumps({"clients": clients, "durationMs": SOAK_SECONDS * 1000, "drainMs": 60000,
                                "sendEveryMs": SEND_EVERY_MS, "reconnectChance": 0.05}))

    memory, stop = {a.process.pid: [], b.process.pid: []}, threading.Event()

    def sample():
        while not stop.wait(SOAK_SECONDS / 12):
            for pid, samples in memory.items():
                samples.append(memory_mb(pid, "VmRSS"))

    threading.Thread(target=sample, daemon=True).start()
    run = subprocess.run(["node", str(DRIVER), str(plan), str(output)], capture_output=True, text=True,
                         timeout=SOAK_SECONDS + 300)
    stop.set()
    assert run.returncode == 0, run.stderr[-3000:]
    results = {client["id"]: client for client in json.loads(output.read_text())}

    acked_total = sum(len(result["acked"]) for result in results.values())
    hops = sum(result["hops"] for result in results.values())
    # They really chatted: at least half of what they set out to send (one per SEND_EVERY_MS each),
    # whatever reconnecting and a saturated devdb cost.
    assert acked_total > len(clients) * SOAK_SECONDS * 1000 / SEND_EVERY_MS / 2, acked_total
    assert hops > len(clients) * SOAK_SECONDS / 1000, hops  # and really moved between the processes
    dropped = Counter(reason for result in results.values() for reason in result["dropped"])  # reported below

    for first, second, conversation_id in pairs:
        stored = stored_messages(a.base, first, conversation_id)
        for me, peer in ((first, second), (second, first)):
            mine, theirs = results[me.id], results[peer.id]
            # Every message acknowledged to me is stored once, under the id the ack gave.
            sent = [m for m in stored if m["from"] == me.id]
            counts = Counter(m["clientId"] for m in sent)
            assert all(counts[client_id] == 1 for client_id in mine["acked"]), me.id
            assert {m["clientId"]: m["id"] for m in sent if m["clientId"] in mine["acked"]} == mine["acked"]
            # Every message my peer got acked reached me, live or by catching up after a reconnect.
            lost = set(theirs["acked"]) - set(mine["received"])
            assert not lost, {"lost": lost, "receiver": {k: mine[k] for k in ("errors", "hops", "dropped")},
                              "sender": {k: theirs[k] for k in ("errors", "hops", "retried", "dropped")},
                              "server errors": [server_errors(server) for server in (a, b)]}

    now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() + 1))
    for me, _, conversation_id in pairs[:25]:
        conversation = requests.get(f"{a.base}/conversations/{conversation_id}", headers=me.headers).json()
        for user_id, read in conversation["readUpTo"].items():
            assert read <= conversation["deliveredUpTo"][user_id] <= now, conversation_id

    for pid, samples in memory.items():
        settled, end = max(samples[len(samples) // 2 - 2: len(samples) // 2]), max(samples[-3:])
        assert end <= settled * 1.10 + 5, (pid, samples)  # no growth once warm: within 10 % + 5 MB
    print(json.dumps({"pairs": PAIRS, "seconds": SOAK_SECONDS, "acked": acked_total, "hops": hops,
                      "errors": Counter(e[:60] for r in results.values() for e in r["errors"]),
                      "dropped": dropped,
                      "memoryMb": {str(pid): [round(s) for s in samples] for pid, samples in memory.items()}}))
