"""The real server, started as a PaaS would (the Procfile's command) and as `python wsgi.py`."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import websocket

from conftest import TEST_REDIS_URL, next_phone

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.redis


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def procfile_command():
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return line.removeprefix("web:").strip()
    raise AssertionError("Procfile has no web process")


@pytest.fixture(params=["procfile", "wsgi"])
def server(request, otp_webhook, redis_client):
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "APP_ENV": "development",
        "JWT_SECRET": "process-test-secret-" + "z" * 32,
        "REDIS_URL": TEST_REDIS_URL,
        "OTP_SENDER": "webhook",
        "OTP_WEBHOOK_URL": otp_webhook.url,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    env.pop("MONGODB_URI", None)
    command = procfile_command() if request.param == "procfile" else f"{sys.executable} wsgi.py"
    process = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{base}/ping", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"server did not start: {process.stderr.read().decode()[-2000:]}")
        time.sleep(0.2)
    yield base
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("server did not stop on SIGTERM")


def test_register_login_profile_logout_over_real_http(server, otp_webhook):
    phone = next_phone()
    assert requests.post(f"{server}/auth/send-otp", json={"phone": phone}).status_code == 200
    registered = requests.post(f"{server}/auth/verify-otp-register", json={
        "phone": phone, "otp": otp_webhook.code_for(phone, "register"), "name": "Real", "password": "real-password",
        "platform": "electron", "deviceName": "Desk",
    })
    assert registered.status_code == 201

    login = requests.post(f"{server}/auth/login", json={"phone": phone, "password": "real-password"})
    assert login.status_code == 200
    headers = {"Authorization": f"Bearer {login.json()['token']}"}

    profile = requests.get(f"{server}/users/profile", headers=headers)
    assert profile.status_code == 200 and profile.json()["phone"] == phone

    assert requests.post(f"{server}/auth/logout", headers=headers).status_code == 200
    after = requests.get(f"{server}/users/profile", headers=headers)
    assert after.status_code == 401 and after.json()["code"] == "session_revoked"


def test_health_reports_database_and_redis(server):
    health = requests.get(f"{server}/health").json()
    assert health["database"]["ok"] and health["redis"]["ok"] and health["status"] == "ok"


def test_socketio_server_is_attached_for_polling_and_websocket(server):
    polling = requests.get(f"{server}/socket.io/", params={"EIO": "4", "transport": "polling"})
    assert polling.status_code == 200 and polling.text.startswith("0{")
    assert "sid" in json.loads(polling.text[1:])

    ws = websocket.create_connection(f"ws{server.removeprefix('http')}/socket.io/?EIO=4&transport=websocket", timeout=5)
    try:
        opened = ws.recv()
        assert opened.startswith("0{") and "pingInterval" in opened
    finally:
        ws.close()
