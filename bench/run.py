"""Runs the Socket.IO benchmark of bench/RESULTS.md and prints one JSON line per run.

    .venv/bin/python bench/run.py --target single --connections 200
    .venv/bin/python bench/run.py --target pair --connections 1000      # two processes + Redis
    .venv/bin/python bench/run.py --target relay --connections 200      # bare Node relay

Half of the connections send direct messages to the other half, each with `--window`
unacknowledged messages at most, through bench/loadgen.js (npm socket.io-client, websocket).
Server CPU is the processes' user+system time over the run; peak memory is VmHWM from /proc;
memory before is the resident size once the users are registered, before the clients connect;
held is the resident size with every client connected and idle, before sending.
Backend2 targets: `single` is one process on the embedded database; `wire` is one process
whose database is served over the wire protocol by backend2.devdb in this (the benchmark's)
process, as production talks to MongoDB over the network, with only the server's CPU counted;
`pair` is two processes sharing Redis and one database (backend2.devdb), clients split between
them. Each run reports the server CPU per delivered message (`serverCpuMsPerDelivered`).
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from support.servers import Cluster, LiveServer, chatting_pairs, free_port, memory_mb  # noqa: E402
from support.webhook import WebhookReceiver  # noqa: E402


HOLD_SECONDS = 4  # idle after connecting; "held" memory is read halfway through


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def relay_clients(base, pairs):
    clients = []
    for number in range(pairs):
        a, b = f"u{number}a", f"u{number}b"
        clients.append({"url": base, "token": a, "id": a, "conversationId": f"{a}:{b}", "peer": 2 * number + 1})
        clients.append({"url": base, "token": b, "id": b, "conversationId": f"{a}:{b}", "peer": 2 * number})
    return clients


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", choices=["single", "wire", "pair", "relay"], required=True)
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--messages", type=int, default=50, help="messages per sender")
    parser.add_argument("--window", type=int, default=4)
    parser.add_argument("--senders", type=int, help="how many of the pairs send (default all): a lighter offered load")
    parser.add_argument("--profile", metavar="FILE",
                        help="record the first server with py-spy (--gil) during the run, as collapsed stacks (py-spy raw format)")
    args = parser.parse_args()
    pairs = args.connections // 2
    webhook = WebhookReceiver()
    settings = {"LOG_LEVEL": "WARNING", "OTP_SENDER": "webhook", "OTP_WEBHOOK_URL": webhook.url}
    cluster = relay = database = None
    if args.target == "single":
        servers = [LiveServer(f"{sys.executable} wsgi.py", webhook=webhook, REDIS_URL="", **settings)]
    elif args.target == "wire":
        from backend2.infra.devdb import SharedEmbeddedDatabase
        database = SharedEmbeddedDatabase(port=0)
        database.run()
        servers = [LiveServer(f"{sys.executable} wsgi.py", webhook=webhook, REDIS_URL="",
                              MONGODB_URI=f"{database.uri}/wire_{uuid.uuid4().hex[:8]}", **settings)]
    elif args.target == "pair":
        cluster = Cluster(webhook, **{k: v for k, v in settings.items() if not k.startswith("OTP")})
        servers = cluster.servers
    else:
        port = free_port()
        relay = subprocess.Popen(["node", str(ROOT / "bench" / "relay.js")], env={**os.environ, "PORT": str(port)},
                                 stdout=subprocess.DEVNULL)
        time.sleep(1)
    try:
        if relay:
            pids, clients = [relay.pid], relay_clients(f"http://127.0.0.1:{port}", pairs)
        else:
            pids, clients = [s.process.pid for s in servers], chatting_pairs(servers, pairs)
        senders = list(range(0, len(clients), 2))[:args.senders]
        plan = {"clients": clients, "senders": senders, "messagesPerSender": args.messages, "window": args.window,
                "ackTimeoutMs": 60000, "drainMs": 30000, "holdMs": HOLD_SECONDS * 1000}
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as plan_file:
            json.dump(plan, plan_file)
        cpu_before = sum(cpu_seconds(pid) for pid in pids)
        memory_before = [memory_mb(pid, "VmRSS") for pid in pids]
        profiler = args.profile and subprocess.Popen(
            [str(Path(sys.executable).parent / "py-spy"), "record", "--gil", "--rate", "200", "--pid", str(pids[0]),
             "--format", "raw", "--output", args.profile], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        loadgen = subprocess.Popen(["node", str(ROOT / "bench" / "loadgen.js"), plan_file.name],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        memory_held = None
        for line in loadgen.stderr:
            if line.strip() == "held":
                time.sleep(HOLD_SECONDS / 2)
                memory_held = [memory_mb(pid, "VmRSS") for pid in pids]
        output = loadgen.communicate(timeout=900)[0]
        if profiler:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(timeout=60)
        report = json.loads(output.strip().splitlines()[-1])
        report.update(target=args.target, window=args.window,
                      serverCpuSeconds=round(sum(cpu_seconds(pid) for pid in pids) - cpu_before, 2),
                      serverMemoryBeforeMb=memory_before, serverMemoryHeldMb=memory_held,
                      serverPeakMemoryMb=[memory_mb(pid) for pid in pids])
        report["serverCpuMsPerDelivered"] = round(report["serverCpuSeconds"] * 1000 / max(report["delivered"], 1), 3)
        print(json.dumps(report))
    finally:
        if relay:
            relay.terminate()
        elif cluster:
            cluster.close()
        else:
            servers[0].stop()
        if database:
            database.close()
        webhook.close()


if __name__ == "__main__":
    main()
