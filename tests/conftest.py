"""Fixtures: apps and clients, real servers, Redis, legacy databases. The harnesses they build
on are in tests/support/. Each test gets a fresh embedded database and its own Redis keys.

Tests are grouped by layer: tests/unit (pure rules and infrastructure), tests/api (REST through
the app), tests/realtime (Socket.IO against a server), tests/system (several processes,
faults, soak, fuzzing, the contract, interop, the legacy import). Every test under
tests/system is marked `system`, so `make test-fast` (`-m "not system"`) leaves them out.
"""
import logging
import os
import sys
import uuid
from pathlib import Path

import pytest
import redis as redis_lib

from backend2 import create_app
from support.environment import (TEST_JWT_SECRET, TEST_MONGODB_URI, TEST_REDIS_NAMESPACE, TEST_REDIS_URL,
                                 redis_available)
from support.people import AppWorld, Person, register_on
from support.servers import Cluster, LiveServer
from support.sockets import SocketClient
from support.web_pages import WebSite
from support.webhook import WebhookReceiver

SYSTEM = Path(__file__).parent / "system"


def pytest_configure(config):
    config.addinivalue_line("markers", "redis: needs the real Redis server at REDIS_URL")
    config.addinivalue_line("markers", "system: several processes, faults, soak, fuzzing (left out by make test-fast)")


def pytest_sessionstart(session):
    if os.environ.get("CI") == "true" and not redis_available():
        pytest.exit(f"CI=true but Redis is not reachable at {TEST_REDIS_URL}", returncode=1)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SYSTEM in Path(item.fspath).parents:
            item.add_marker(pytest.mark.system)
    if redis_available():
        return
    skip = pytest.mark.skip(reason=f"Redis not reachable at {TEST_REDIS_URL}")
    for item in items:
        if "redis" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def redis_client(request):
    """The tests' own Redis database, empty at the start of each test that uses Redis."""
    if "redis" not in request.keywords or not redis_available():
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
            "REDIS_NAMESPACE": TEST_REDIS_NAMESPACE,
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
    caplog.set_level(logging.WARNING, logger="backend2.services.people.otp_delivery")

    def latest(phone, purpose=None):
        for record in reversed(caplog.records):
            if record.name.endswith("otp_delivery") and record.args and record.args[0] == phone:
                if purpose is None or record.args[1] == purpose:
                    return record.args[2]
        raise AssertionError(f"no code was sent to {phone}")

    return latest


@pytest.fixture
def register(client, otp_inbox):
    return lambda **fields: register_on(client, otp_inbox, **fields)


@pytest.fixture
def world_with(make_app, otp_inbox):
    """`world_with(SETTING=value, ...)`: an AppWorld on an app of its own with those settings."""
    return lambda **settings: AppWorld(make_app(use_redis=False, **settings).test_client(), otp_inbox)


@pytest.fixture
def site():
    """A web site on 127.0.0.1 for link previews (support/web_pages.py), which notes every request."""
    running = WebSite()
    yield running
    running.close()


@pytest.fixture
def otp_webhook():
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


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
    if not redis_available():
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


@pytest.fixture(scope="module")
def cluster(request, module_webhook):
    if not redis_available():
        pytest.skip(f"Redis not reachable at {TEST_REDIS_URL}")
    settings = getattr(request.module, "CLUSTER_SETTINGS", {})
    running = Cluster(module_webhook, **settings)
    yield running
    running.close()


@pytest.fixture(scope="module")
def fcm():
    """An FCM stand-in on 127.0.0.1 (tests/support/push_providers.py), fresh for each test."""
    from support.push_providers import FcmStandIn
    stand_in = FcmStandIn()
    yield stand_in
    stand_in.close()


@pytest.fixture(scope="module")
def apns(tmp_path_factory):
    """An APNs stand-in (HTTP/2, TLS) on 127.0.0.1, fresh for each test."""
    from support.push_providers import ApnsStandIn
    stand_in = ApnsStandIn(tmp_path_factory.mktemp("apns"))
    yield stand_in
    stand_in.close()


@pytest.fixture
def push_providers(fcm, apns):
    """Both stand-ins, reset: nothing received, no dead tokens, not down."""
    fcm.reset()
    apns.reset()
    return fcm, apns


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
