"""The real server, started as a PaaS would (the Procfile's command) and as `python wsgi.py`."""
import json
import sys

import pytest
import requests
import websocket

from conftest import ROOT, LiveServer, next_phone

pytestmark = pytest.mark.redis


def procfile_command():
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return line.removeprefix("web:").strip()
    raise AssertionError("Procfile has no web process")


@pytest.fixture(params=["procfile", "wsgi"])
def server(request, otp_webhook, redis_client):
    command = procfile_command() if request.param == "procfile" else f"{sys.executable} wsgi.py"
    live = LiveServer(command, OTP_SENDER="webhook", OTP_WEBHOOK_URL=otp_webhook.url)
    yield live.base
    assert live.stop(), "server did not stop on SIGTERM"


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
