"""The caches each process keeps (sessions, users, memberships, blocks) never outlive a change
made on another process: it holds there by the time the request that made it has answered."""
import pytest
import requests

from support.people import open_chat

pytestmark = pytest.mark.redis
MODERATOR_PHONE = "+14155550000"  # next_phone() never gives it
CLUSTER_SETTINGS = {"MODERATOR_PHONES": MODERATOR_PHONE}


def send(server, who, conversation_id, text="hi"):
    return requests.post(f"{server.base}/messages", headers=who.headers,
                         json={"conversationId": conversation_id, "text": text})


def test_a_session_ended_on_one_process_is_refused_at_once_on_the_other(cluster, connect):
    a, b = cluster.servers
    me, ada = a.register(name="Me"), a.register(name="Ada")
    conversation_id = open_chat(a.base, me, ada)
    device_on_b = connect(b.base, me.token)
    assert send(b, me, conversation_id).status_code == 201  # B now holds the session
    assert device_on_b.call("message", {"conversationId": conversation_id, "text": "cached"})["text"] == "cached"
    assert requests.post(f"{a.base}/auth/logout", headers=me.headers).status_code in (200, 204)
    refused = send(b, me, conversation_id)
    assert (refused.status_code, refused.json()["code"]) == (401, "session_revoked")
    assert device_on_b.wait_for("session_revoked")["code"] == "session_revoked"  # and then it is closed


def test_a_member_removed_on_one_process_cannot_send_on_the_other(cluster, connect):
    a, b = cluster.servers
    me, ada = a.register(name="Me"), a.register(name="Ada")
    open_chat(a.base, me, ada)
    group = requests.post(f"{a.base}/conversations", headers=me.headers,
                          json={"type": "group", "name": "G", "participants": [ada.id]}).json()["id"]
    adas_device_on_b = connect(b.base, ada.token)
    assert adas_device_on_b.call("message", {"conversationId": group, "text": "in"})["text"] == "in"
    assert send(b, ada, group).status_code == 201
    requests.delete(f"{a.base}/conversations/{group}/members/{ada.id}", headers=me.headers)
    ack = adas_device_on_b.call("message", {"conversationId": group, "text": "out"})
    assert ack["error"]["code"] == "conversation_not_found"
    assert send(b, ada, group).status_code == 404
    typing = adas_device_on_b.call("typing", {"conversationId": group})
    assert typing["error"]["code"] == "conversation_not_found"


def test_a_block_made_on_one_process_stops_messages_on_the_other(cluster, connect):
    a, b = cluster.servers
    me, ada = a.register(name="Me"), a.register(name="Ada")
    conversation_id = open_chat(a.base, me, ada)
    adas_device_on_b = connect(b.base, ada.token)
    assert adas_device_on_b.call("message", {"to": me.id, "text": "hello"})["text"] == "hello"
    assert requests.post(f"{a.base}/users/{ada.id}/block", headers=me.headers).status_code == 200
    ack = adas_device_on_b.call("message", {"to": me.id, "text": "still there?"})
    assert ack["error"]["code"] == "blocked"
    assert send(b, ada, conversation_id).json()["code"] == "blocked"
    requests.delete(f"{a.base}/users/{ada.id}/block", headers=me.headers)
    assert send(b, ada, conversation_id, "unblocked").status_code == 201


def test_a_suspension_or_a_new_name_on_one_process_holds_at_once_on_the_other(cluster, connect):
    a, b = cluster.servers
    me, ada = a.register(name="Me"), a.register(name="Ada")
    moderator = a.register(name="Mod", phone=MODERATOR_PHONE)
    conversation_id = open_chat(a.base, me, ada)
    assert requests.get(f"{b.base}/users/me", headers=ada.headers).json()["name"] == "Ada"  # cached on B
    requests.patch(f"{a.base}/users/me", headers=ada.headers, json={"name": "Ada L."})
    assert requests.get(f"{b.base}/users/me", headers=ada.headers).json()["name"] == "Ada L."
    adas_device_on_b = connect(b.base, ada.token)
    suspended = requests.post(f"{a.base}/admin/users/{ada.id}/suspend", headers=moderator.headers,
                              json={"reason": "spam"})
    assert suspended.status_code == 200, suspended.text
    refused = send(b, ada, conversation_id)
    assert (refused.status_code, refused.json()["code"]) == (403, "account_suspended")
    assert adas_device_on_b.wait_for("account_suspended")["userId"] == ada.id  # and then closed
