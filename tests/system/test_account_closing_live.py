"""Deleting or suspending an account closes the person's devices on every process; a deletion
also tells the people who shared a chat with them."""
import sys
import time

import pytest
import requests

from support.people import next_phone, open_chat
from support.servers import LiveServer

pytestmark = pytest.mark.redis


def test_every_device_of_a_deleted_account_is_closed_and_its_chats_are_told(cluster, connect):
    first, second = cluster.servers
    me, ada = first.register(name="Me", password="a-good-password"), second.register(name="Ada")
    open_chat(first.base, me, ada)
    mine = [connect(first.base, me.token), connect(second.base, me.token)]
    theirs = connect(second.base, ada.token)
    time.sleep(0.3)  # presence has counted every device in

    response = requests.delete(f"{first.base}/users/me", headers=me.headers, json={"password": "a-good-password"})
    assert response.status_code == 200, response.text

    assert theirs.wait_for("user_deleted")["userId"] == me.id
    for device in mine:
        assert device.wait_for("account_deleted")["userId"] == me.id
        assert wait_closed(device)
    assert requests.get(f"{second.base}/users/{me.id}", headers=ada.headers).json()["name"] == "Deleted account"


def wait_closed(device):
    deadline = time.monotonic() + 5
    while device.sio.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    return not device.sio.connected


def test_a_suspended_accounts_devices_are_closed_and_cannot_come_back(module_webhook, connect):
    moderator_phone = next_phone()
    server = LiveServer(f"{sys.executable} wsgi.py", webhook=module_webhook, OTP_SENDER="webhook",
                        OTP_WEBHOOK_URL=module_webhook.url, MODERATOR_PHONES=moderator_phone, REDIS_NAMESPACE="closing")
    try:
        mo, me = server.register(name="Mo", phone=moderator_phone), server.register(name="Me")
        device = connect(server.base, me.token)
        time.sleep(0.3)
        response = requests.post(f"{server.base}/admin/users/{me.id}/suspend", headers=mo.headers,
                                 json={"reason": "spam"})
        assert response.status_code == 200, response.text
        assert device.wait_for("account_suspended")["userId"] == me.id
        assert wait_closed(device)
        refused = requests.get(f"{server.base}/users/me", headers=me.headers)
        assert refused.status_code == 403 and refused.json()["code"] == "account_suspended"
    finally:
        server.stop()
