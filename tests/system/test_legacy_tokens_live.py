"""Old apps at the door, with two processes sharing Redis: an Express token's device is closed
the moment its tokens are revoked elsewhere, and a Socket.IO v2 app is refused and logged once."""
import time

import jwt
import pytest
import requests

from support.environment import TEST_JWT_SECRET

pytestmark = pytest.mark.redis


def test_signing_out_everywhere_closes_an_express_tokens_socket_on_the_other_process(cluster, connect):
    a, b = cluster.servers
    me = a.register(name="Me")
    legacy = jwt.encode({"uid": me.id, "iat": int(time.time())}, TEST_JWT_SECRET, algorithm="HS256")
    device_on_b = connect(b.base, legacy)
    assert device_on_b.sio.connected
    listed = requests.get(f"{a.base}/auth/sessions", headers=me.headers).json()["sessions"]
    assert [s["deviceName"] for s in listed if s["legacy"]] == ["legacy app"]
    assert requests.delete(f"{a.base}/auth/sessions?others=true", headers=me.headers).status_code == 200
    assert device_on_b.wait_for("session_revoked")["code"] == "session_revoked"
    deadline = time.monotonic() + 5
    while device_on_b.sio.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not device_on_b.sio.connected
    refused = requests.get(f"{b.base}/users/profile", headers={"Authorization": f"Bearer {legacy}"})
    assert (refused.status_code, refused.json()["code"]) == (401, "session_revoked")
    assert requests.get(f"{b.base}/users/profile", headers=me.headers).status_code == 200  # the caller stays


def test_a_socketio_v2_client_is_refused_and_logged_once_per_address(live_server):
    for _ in range(3):
        response = requests.get(f"{live_server.base}/socket.io/?EIO=3&transport=polling&t=1",
                                headers={"User-Agent": "Dart/2.10 (dart:io)"})
        assert response.status_code == 400
        assert "unsupported version" in response.text
    time.sleep(0.2)
    log = live_server.log_tail(10**6)
    assert log.count("Refused a Socket.IO v2 client (Engine.IO 3) at 127.0.0.1") == 1
    current = requests.get(f"{live_server.base}/socket.io/?EIO=4&transport=polling&t=2")
    assert current.status_code == 200
