"""The real server, started as a PaaS would (the Procfile's command) and as `python wsgi.py`."""
import json
import signal
import socket
import sys
import time

import pytest
import requests
import websocket

from support.people import next_phone, open_chat
from support.servers import LiveServer, ROOT

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


@pytest.mark.parametrize("command", ["procfile", "wsgi"])
def test_sigterm_finishes_requests_ends_calls_and_closes_sockets(command, otp_webhook, redis_client, connect):
    """What a PaaS does before every restart: SIGTERM, then a grace period."""
    live = LiveServer(procfile_command() if command == "procfile" else f"{sys.executable} wsgi.py",
                      webhook=otp_webhook, OTP_SENDER="webhook", OTP_WEBHOOK_URL=otp_webhook.url)
    try:
        me, ada = live.register(name="Me"), live.register(name="Ada")
        open_chat(live.base, me, ada)
        caller, callee = connect(live.base, me.token), connect(live.base, ada.token)
        call_id = caller.call("call:invite", {"to": ada.id, "offer": "v=0"})["callId"]
        callee.wait_for("call:invite")
        callee.call("call:answer", {"callId": call_id, "answer": "v=0"})
        caller.wait_for("call:answer")

        # A request in flight: headers and half the body sent when the signal arrives.
        body = json.dumps({"phone": next_phone()}).encode()
        in_flight = socket.create_connection(("127.0.0.1", live.port), timeout=10)
        in_flight.sendall(b"POST /auth/send-otp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body) + body[:5])
        time.sleep(0.3)
        live.process.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        in_flight.sendall(body[5:])
        assert in_flight.recv(65536).startswith(b"HTTP/1.1 200")

        for device in (caller, callee):
            assert device.wait_for("call:hangup", timeout=5)["reason"] == "server_restart"
        deadline = time.monotonic() + 10
        while (caller.sio.connected or callee.sio.connected) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not caller.sio.connected and not callee.sio.connected
        assert live.process.wait(timeout=10) == 0
    finally:
        if live.process.poll() is None:
            live.process.kill()
