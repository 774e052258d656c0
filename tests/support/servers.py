"""Real processes on 127.0.0.1: a server (`LiveServer`), a background worker (`WorkerProcess`),
several of them sharing a database and Redis (`Cluster`), and load-generator clients for them."""
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis as redis_lib
import requests

from support.environment import TEST_JWT_SECRET, TEST_REDIS_NAMESPACE, TEST_REDIS_URL
from support.people import Person, next_phone, open_chat

ROOT = Path(__file__).resolve().parents[2]
LOADGEN = ROOT / "bench" / "loadgen.js"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory_mb(pid, field="VmHWM"):
    """VmHWM (peak resident memory) or VmRSS (now) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def _die_with_parent():
    """Linux: the server gets SIGTERM when the test process dies, however it dies, so no orphan
    keeps sweeping the shared Redis for deadlines that belong to later runs."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


GENEROUS_LIMITS = ("RATE_LIMIT_DEFAULT", "RATE_LIMIT_AUTH", "RATE_LIMIT_OTP_PER_PHONE", "RATE_LIMIT_OTP_PER_IP",
                   "RATE_LIMIT_PER_ADDRESS", "RATE_LIMIT_MESSAGES", "RATE_LIMIT_TYPING", "RATE_LIMIT_CALLS",
                   "RATE_LIMIT_SOCKET_EVENTS", "RATE_LIMIT_CHAT_REQUESTS")


def process_env(**settings):
    """The environment of a test process: the test secret and Redis, generous limits, the
    embedded database unless MONGODB_URI is given, and `settings`."""
    return {
        **os.environ,
        "APP_ENV": "development",
        "JWT_SECRET": TEST_JWT_SECRET,
        "REDIS_URL": TEST_REDIS_URL,
        "REDIS_NAMESPACE": TEST_REDIS_NAMESPACE,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        # Tests register many users from one address; the limits have tests of their own.
        **{name: "100000 per minute" for name in GENEROUS_LIMITS},
        "MONGODB_URI": "",
        **{key: str(value) for key, value in settings.items()},
    }


class _Process:
    """A process started by `command` from the project root, its output in a log file."""

    def _start(self, command, env, prefix):
        # A file, not a pipe: a pipe nobody reads fills up and blocks the process on its next log line.
        self.log = tempfile.NamedTemporaryFile(prefix=prefix, suffix=".log", delete=False)
        self.process = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=ROOT, env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)

    def _wait_for_line(self, text, what, timeout=30):
        """Until the log says `text`; a process that exits or stays silent fails the test."""
        deadline = time.monotonic() + timeout
        while text not in self.log_tail(10**6):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                raise AssertionError(f"{what} did not start: {self.log_tail()}")
            time.sleep(0.1)

    def log_tail(self, size=3000):
        return Path(self.log.name).read_text(errors="replace")[-size:]

    def stop(self, timeout=15):
        """SIGTERM, as a PaaS sends; True when the process exited by itself in time."""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            self.process.kill()
            return False


class WorkerProcess(_Process):
    """`flask --app backend2 worker` with the settings given, running once it says so."""

    def __init__(self, **settings):
        self._start(f"{sys.executable} -m flask --app backend2 worker", process_env(**settings), "backend2-worker-")
        self._wait_for_line("Worker running", "worker")


class DatabaseProcess(_Process):
    """The shared embedded database (`python -m backend2.devdb`) in a process of its own, as a
    real database server is: for benchmarks, where sharing the caller's interpreter would
    slow the database with the caller's own work."""

    def __init__(self):
        self.uri = f"mongodb://127.0.0.1:{free_port()}"
        self._start(f"{sys.executable} -m backend2.devdb --port {self.uri.rsplit(':', 1)[1]}", process_env(),
                    "backend2-devdb-")
        self._wait_for_line("Shared embedded database on", "database")

    def close(self):
        self.stop()


class LiveServer(_Process):
    """A real server process on 127.0.0.1, started by `command` (run from the project root)."""

    def __init__(self, command, webhook=None, **settings):
        self.webhook = webhook
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._start(command, process_env(PORT=self.port, **settings), "backend2-server-")
        self._wait_until_ready()

    def _wait_until_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(f"{self.base}/ping", timeout=1).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or a worker still booting
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                raise AssertionError(f"server did not start: {self.log_tail()}")
            time.sleep(0.2)

    def register(self, webhook=None, name="Remote", phone=None, **fields):
        """Register over HTTP, reading the code from the webhook; returns a Person."""
        webhook = webhook or self.webhook
        phone = phone or next_phone()
        assert requests.post(f"{self.base}/auth/send-otp", json={"phone": phone}).status_code == 200
        response = requests.post(f"{self.base}/auth/verify-otp-register", json={
            "phone": phone, "otp": webhook.code_for(phone, "register"), "name": name, **fields})
        assert response.status_code == 201, response.text
        return Person(response.json())


class Cluster:
    """Server processes (two unless told) and background workers (none unless told) sharing one
    database (backend2.devdb, in this process unless `database_process`) and the real Redis,
    emptied first unless `flush` is false."""

    def __init__(self, webhook, servers=2, workers=0, flush=True, database_process=False, **settings):
        from backend2.infra.devdb import SharedEmbeddedDatabase
        if database_process:
            self.database = DatabaseProcess()
        else:
            self.database = SharedEmbeddedDatabase(port=0)
            self.database.run()
        self.uri = f"{self.database.uri}/cluster_{uuid.uuid4().hex[:8]}"
        if flush:
            redis_lib.Redis.from_url(TEST_REDIS_URL).flushdb()
        self.settings = {"MONGODB_URI": self.uri, **settings}
        self.webhook = webhook
        self.servers = [self._server() for _ in range(servers)]
        self.workers = []
        for _ in range(workers):
            self.start_worker()

    def _server(self):
        return LiveServer(f"{sys.executable} wsgi.py", webhook=self.webhook, OTP_SENDER="webhook",
                          OTP_WEBHOOK_URL=self.webhook.url, **self.settings)

    def restart_servers(self):
        """New server processes in place of the stopped ones, on the same database and Redis."""
        self.servers = [self._server() for _ in self.servers]

    def start_worker(self, **settings):
        """One more worker on this cluster's database and Redis."""
        worker = WorkerProcess(**{**self.settings, **settings})
        self.workers.append(worker)
        return worker

    def logs(self):
        return "".join(process.log_tail(10**7) for process in [*self.servers, *self.workers])

    def close(self):
        for process in [*self.servers, *self.workers]:
            if process.process.poll() is None:
                process.stop()
        self.database.close()


def chatting_pairs(servers, count, workers=8):
    """Load-generator clients for `count` pairs of users who chat (registered on servers[0]);
    the first of each pair connects to servers[0], the second to servers[-1]."""

    def make_pair(_):
        first, second = servers[0].register(name="Load"), servers[0].register(name="Load")
        return first, second, open_chat(servers[0].base, first, second)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        pairs = list(pool.map(make_pair, range(count)))
    clients = []
    for first, second, conversation_id in pairs:
        base = len(clients)
        clients.append({"url": servers[0].base, "token": first.token, "id": first.id,
                        "conversationId": conversation_id, "peer": base + 1})
        clients.append({"url": servers[-1].base, "token": second.token, "id": second.id,
                        "conversationId": conversation_id, "peer": base})
    return clients


def run_load(plan, tmp_path):
    """Run bench/loadgen.js (npm socket.io-client) with `plan`; returns its report."""
    if not (LOADGEN.parent / "node_modules" / "socket.io-client").exists():
        pytest.fail("bench/node_modules is missing: run `npm ci --prefix bench` (make test does)")
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan))
    run = subprocess.run(["node", str(LOADGEN), str(plan_file)], capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout.strip().splitlines()[-1])
