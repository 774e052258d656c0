"""Builds apps and clients. Each test gets a fresh embedded database and its own Redis keys.

Redis is the real server at REDIS_URL (default redis://127.0.0.1:6379), always on database
TEST_REDIS_DB (13), which the tests own and flush. Without Redis, tests that need it are
skipped locally; under CI=true the run fails instead.
"""
import itertools
import json
import logging
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis as redis_lib

from backend2 import create_app

def _test_redis_url():
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379")
    return urlunsplit((parts.scheme, parts.netloc, "/" + os.environ.get("TEST_REDIS_DB", "13"), "", ""))


TEST_REDIS_URL = _test_redis_url()
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
def make_app(redis_client):
    """create_app('testing') with the test secret, Redis, and any extra settings."""

    def build(name="testing", use_redis=True, **settings):
        env = {
            **os.environ,
            "JWT_SECRET": TEST_JWT_SECRET,
            "REDIS_URL": TEST_REDIS_URL if use_redis else "",
            **{key: str(value) for key, value in settings.items()},
        }
        env.pop("MONGODB_URI", None) if "MONGODB_URI" not in settings else None
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


@pytest.fixture
def register(client, otp_inbox):
    """Registers a user through send-otp and verify-otp-register; returns the 201 body."""

    def do(phone=None, name="Test User", **fields):
        phone = phone or next_phone()
        sent = client.post("/auth/send-otp", json={"phone": phone})
        assert sent.status_code == 200, sent.get_json()
        body = {"phone": phone, "otp": otp_inbox(phone, "register"), "name": name, **fields}
        response = client.post("/auth/verify-otp-register", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return do


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
