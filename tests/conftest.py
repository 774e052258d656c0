"""Builds apps and clients. Each test gets a fresh embedded database and its own Redis keys.

Redis is the real server at REDIS_URL (default redis://127.0.0.1:6379), always on database
TEST_REDIS_DB (13), which the tests own and flush. Without Redis, tests that need it are
skipped locally; under CI=true the run fails instead.

The database is the embedded default, fresh for every app; with TEST_MONGODB_URI (a server
address without a database, e.g. mongodb://127.0.0.1:27017) every app gets a database of its
own on that server instead, so the suite can be run against a real MongoDB.
"""
import ctypes
import itertools
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis as redis_lib
import requests
import socketio

from backend2 import create_app

def _test_redis_url():
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379")
    return urlunsplit((parts.scheme, parts.netloc, "/" + os.environ.get("TEST_REDIS_DB", "13"), "", ""))


TEST_REDIS_URL = _test_redis_url()
TEST_MONGODB_URI = os.environ.get("TEST_MONGODB_URI", "").rstrip("/")
TEST_JWT_SECRET = "test-secret-" + "x" * 40
_phone_numbers = itertools.count(1)


def pytest_configure(config):
    config.addinivalue_line("markers", "redis: needs the real Redis server at REDIS_URL")


def _redis_available():
    try:
        return redis_lib.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1).ping()
    except redis_lib.RedisError:
        return False


def pytest_sessionstart(session):
    if os.environ.get("CI") == "true" and not _redis_available():
        pytest.exit(f"CI=true but Redis is not reachable at {TEST_REDIS_URL}", returncode=1)


def pytest_collection_modifyitems(config, items):
    if _redis_available():
        return
    skip = pytest.mark.skip(reason=f"Redis not reachable at {TEST_REDIS_URL}")
    for item in items:
        if "redis" in item.keywords:
            item.add_marker(skip)


def next_phone():
    """A fresh valid US number for each call."""
    return f"+1415555{next(_phone_numbers):04d}"


@pytest.fixture
def redis_client(request):
    """The tests' own Redis database, empty at the start of each test that uses Redis."""
    if "redis" not in request.keywords or not _redis_available():
        return None
    client = redis_lib.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    return client


@pytest.fixture
def make_app(redis_client, tmp_path):
    """create_app('testing') with the test secret, Redis, and any extra settings."""

    def build(name="testing", use_redis=True, **settings):
        env = {
            **os.environ,
            "JWT_SECRET": TEST_JWT_SECRET,
            "REDIS_URL": TEST_REDIS_URL if use_redis else "",
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            **{key: str(value) for key, value in settings.items()},
        }
        if "MONGODB_URI" not in settings:
            env["MONGODB_URI"] = f"{TEST_MONGODB_URI}/test_{uuid.uuid4().hex}" if TEST_MONGODB_URI else ""
        return create_app(name, env=env)

    return build


@pytest.fixture
def app(make_app):
    return make_app(use_redis=False)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def otp_inbox(caplog):
    """Reads the codes the console sender logged: `otp_inbox(phone)` is the newest one."""
    caplog.set_level(logging.WARNING, logger="backend2.services.otp_delivery")

    def latest(phone, purpose=None):
        for record in reversed(caplog.records):
            if record.name.endswith("otp_delivery") and record.args and record.args[0] == phone:
                if purpose is None or record.args[1] == purpose:
                    return record.args[2]
        raise AssertionError(f"no code was sent to {phone}")

    return latest


def register_on(client, otp_inbox, phone=None, name="Test User", **fields):
    """Registers a user through send-otp and verify-otp-register; returns the 201 body."""
    phone = phone or next_phone()
    sent = client.post("/auth/send-otp", json={"phone": phone})
    assert sent.status_code == 200, sent.get_json()
    body = {"phone": phone, "otp": otp_inbox(phone, "register"), "name": name, **fields}
    response = client.post("/auth/verify-otp-register", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def register(client, otp_inbox):
    return lambda **fields: register_on(client, otp_inbox, **fields)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


class WebhookReceiver:
    """A real HTTP endpoint on 127.0.0.1 that records what the OTP webhook sender POSTs."""

    def __init__(self):
        self.received = []
        self.fail = False
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                receiver.received.append(json.loads(self.rfile.read(length)))
                self.send_response(500 if receiver.fail else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/otp"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def code_for(self, phone, purpose):
        for message in reversed(self.received):
            if message["phone"] == phone and message["purpose"] == purpose:
                return message["code"]
        raise AssertionError(f"the webhook got no {purpose} code for {phone}")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def otp_webhook():
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


class Person:
    """A registered user as a client sees them: id, phone, token and auth headers."""

    def __init__(self, body):
        self.body = body
        self.user = body["user"]
        self.id = body["user"]["id"]
        self.phone = body["user"]["phone"]
        self.name = body["user"]["name"]
        self.token = body["token"]
        self.headers = bearer(body["token"])


@pytest.fixture
def person(register):
    """`person("Ada")` registers a user and returns them as a Person."""
    return lambda name="Someone", **fields: Person(register(name=name, **fields))


@pytest.fixture
def befriend(client):
    """`befriend(a, b)`: a syncs b's number into a's contacts."""

    def sync(owner, *others):
        response = client.post("/contacts/sync", headers=owner.headers,
                               json={"contacts": [{"phone": o.phone, "name": o.name} for o in others]})
        assert response.status_code == 200, response.get_json()

    return sync


ROOT = Path(__file__).resolve().parent.parent


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


GENEROUS_LIMITS = ("RATE_LIMIT_DEFAULT", "RATE_LIMIT_AUTH", "RATE_LIMIT_OTP_PER_PHONE", "RATE_LIMIT_OTP_PER_IP")


class LiveServer:
    """A real server process on 127.0.0.1, started by `command` (run from the project root)."""

    def __init__(self, command, webhook=None, **settings):
        self.webhook = webhook
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "PORT": str(self.port),
            "APP_ENV": "development",
            "JWT_SECRET": TEST_JWT_SECRET,
            "REDIS_URL": TEST_REDIS_URL,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            # Tests register many users from one address; the limits have tests of their own.
            **{name: "100000 per minute" for name in GENEROUS_LIMITS},
            "MONGODB_URI": "",
            **{key: str(value) for key, value in settings.items()},
        }
        # A file, not a pipe: a pipe nobody reads fills up and blocks the server on its next log line.
        self.log = tempfile.NamedTemporaryFile(prefix="backend2-server-", suffix=".log", delete=False)
        self.process = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=ROOT, env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        self._wait_until_ready()

    def _wait_until_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(f"{self.base}/ping", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                raise AssertionError(f"server did not start: {self.log_tail()}")
            time.sleep(0.2)

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

    def register(self, webhook=None, name="Remote"):
        """Register over HTTP, reading the code from the webhook; returns a Person."""
        webhook = webhook or self.webhook
        phone = next_phone()
        assert requests.post(f"{self.base}/auth/send-otp", json={"phone": phone}).status_code == 200
        response = requests.post(f"{self.base}/auth/verify-otp-register", json={
            "phone": phone, "otp": webhook.code_for(phone, "register"), "name": name})
        assert response.status_code == 201, response.text
        return Person(response.json())


@pytest.fixture(scope="module")
def module_webhook():
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


@pytest.fixture(scope="module")
def live_server(request, module_webhook):
    """`python wsgi.py` with the webhook OTP sender, shared by the tests of one module.

    A module may set LIVE_SERVER_SETTINGS (e.g. a short TYPING_TTL_SECONDS).
    """
    if not _redis_available():
        pytest.skip(f"Redis not reachable at {TEST_REDIS_URL}")
    settings = getattr(request.module, "LIVE_SERVER_SETTINGS", {})
    server = LiveServer(f"{sys.executable} wsgi.py", OTP_SENDER="webhook", OTP_WEBHOOK_URL=module_webhook.url,
                        webhook=module_webhook, **settings)
    yield server
    server.stop()


@pytest.fixture
def chat(client, befriend):
    """`chat(a, b)`: the id of a direct conversation between two users who are contacts."""

    def open_chat(first, second):
        befriend(first, second)
        response = client.post("/conversations", headers=first.headers, json={"participants": [second.id]})
        assert response.status_code in (200, 201), response.get_json()
        return response.get_json()["id"]

    return open_chat


@pytest.fixture
def say(client):
    """`say(who, conversation_id, text, **fields)`: send a message over REST; returns its JSON."""

    def send(who, conversation_id, text="hello", **fields):
        response = client.post("/messages", headers=who.headers, json={"conversationId": conversation_id, "text": text, **fields})
        assert response.status_code in (200, 201), response.get_json()
        return response.get_json()

    return send


def open_chat(base, first, second):
    """A direct conversation between two users of the server at `base` (who become contacts)."""
    requests.post(f"{base}/contacts/sync", headers=first.headers, json={"phones": [second.phone]})
    response = requests.post(f"{base}/conversations", headers=first.headers, json={"participants": [second.id]})
    assert response.status_code in (200, 201), response.text
    return response.json()["id"]


class SocketClient:
    """A device connected with python-socketio's client, recording every event it receives."""

    def __init__(self, base, token=None, transports=None, auth=None, headers=None, query=""):
        self.events = []
        self._arrived = threading.Condition()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("*", self._record)
        url = f"{base}?{query}" if query else base
        self.sio.connect(url, auth=auth if auth is not None else ({"token": token} if token else None),
                         headers=headers or {}, transports=transports, wait_timeout=10)

    def _record(self, event, *args):
        with self._arrived:
            self.events.append((event, args[0] if args else None))
            self._arrived.notify_all()

    def call(self, event, data=None, timeout=10):
        return self.sio.call(event, data, timeout=timeout)

    def wait_for(self, event, match=lambda data: True, timeout=10):
        """The first `event` whose data satisfies `match`, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for name, data in self.events:
                    if name == event and match(data):
                        return data
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no {event!r} matching within {timeout}s; got {[e for e, _ in self.events]}")
                self._arrived.wait(remaining)

    def received(self, event, match=lambda data: True):
        with self._arrived:
            return [data for name, data in self.events if name == event and match(data)]

    def close(self):
        if self.sio.connected:
            self.sio.disconnect()


@pytest.fixture
def connect():
    """`connect(base, token, **options)` opens a SocketClient; all are closed after the test."""
    clients = []

    def open_client(base, token=None, **options):
        client = SocketClient(base, token, **options)
        clients.append(client)
        return client

    yield open_client
    for client in clients:
        client.close()


class Cluster:
    """Two server processes sharing one database (backend2.devdb) and the real Redis."""

    def __init__(self, webhook, **settings):
        from backend2.infra.devdb import SharedEmbeddedDatabase
        self.database = SharedEmbeddedDatabase(port=0)
        self.database.run()
        uri = f"{self.database.uri}/cluster_{uuid.uuid4().hex[:8]}"
        redis_lib.Redis.from_url(TEST_REDIS_URL).flushdb()
        self.servers = [LiveServer(f"{sys.executable} wsgi.py", webhook=webhook, MONGODB_URI=uri,
                                   OTP_SENDER="webhook", OTP_WEBHOOK_URL=webhook.url, **settings) for _ in range(2)]

    def close(self):
        for server in self.servers:
            if server.process.poll() is None:
                server.stop()
        self.database.close()


@pytest.fixture(scope="module")
def cluster(request, module_webhook):
    if not _redis_available():
        pytest.skip(f"Redis not reachable at {TEST_REDIS_URL}")
    settings = getattr(request.module, "CLUSTER_SETTINGS", {})
    running = Cluster(module_webhook, **settings)
    yield running
    running.close()


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


@pytest.fixture(scope="module")
def legacy_server():
    """A MongoDB server for the Express servers' databases and the import's target:
    TEST_MONGODB_URI, or backend2.devdb served from this process."""
    if TEST_MONGODB_URI:
        yield TEST_MONGODB_URI
        return
    from backend2.infra.devdb import SharedEmbeddedDatabase
    database = SharedEmbeddedDatabase(port=0)
    database.run()
    yield database.uri
    database.close()


@pytest.fixture(scope="module")
def legacy_databases(legacy_server, tmp_path_factory):
    """Fresh source and target databases (and upload folders) for one test module."""
    from support.legacy_harness import LegacyDatabases
    databases = LegacyDatabases(legacy_server, tmp_path_factory.mktemp("legacy"))
    yield databases
    databases.close()
