"""Deleting an account closes the person's devices on every process and tells the people who
shared a chat with them."""
import time

import pytest
import requests

from support.people import open_chat

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
        deadline = time.monotonic() + 5
        while device.sio.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not device.sio.connected
    assert requests.get(f"{second.base}/users/{me.id}", headers=ada.headers).json()["name"] == "Deleted account"
