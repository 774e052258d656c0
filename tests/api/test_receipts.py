"""Receipts are cursors: they only move forward, read implies delivered, and they drive
unread counts and the sender's status.

Cursors are times, so messages are sent at least a millisecond apart here: a cursor cannot
tell apart two messages of one conversation stored in the same millisecond.
"""
import time

import pytest


@pytest.fixture
def talk(client, person, chat, say):
    me, ada = person("Me"), person("Ada")
    conversation_id = chat(me, ada)
    sent = []
    for number in range(3):
        sent.append(say(me, conversation_id, f"m{number}"))
        time.sleep(0.002)
    return me, ada, conversation_id, sent


def conversation(client, who, conversation_id):
    return client.get(f"/conversations/{conversation_id}", headers=who.headers).get_json()


def status_of(client, who, conversation_id, message_id):
    page = client.get(f"/messages?conversationId={conversation_id}", headers=who.headers).get_json()
    return next(m["status"] for m in page["messages"] if m["id"] == message_id)


def test_unread_count_follows_the_read_cursor(client, talk):
    me, ada, conversation_id, sent = talk
    assert conversation(client, ada, conversation_id)["unreadCount"] == 3
    assert conversation(client, me, conversation_id)["unreadCount"] == 0
    moved = client.post(f"/conversations/{conversation_id}/read", headers=ada.headers, json={"upTo": sent[1]["id"]})
    assert moved.status_code == 200
    body = moved.get_json()
    assert body["moved"] is True and body["upTo"] == sent[1]["createdAt"] and body["userId"] == ada.id
    assert body["readUpTo"] == body["deliveredUpTo"] == sent[1]["createdAt"]
    assert conversation(client, ada, conversation_id)["unreadCount"] == 1
    listed = client.get("/conversations", headers=ada.headers).get_json()["conversations"][0]
    assert listed["unreadCount"] == 1 and listed["readUpTo"][ada.id] == sent[1]["createdAt"]


def test_cursors_never_move_back(client, talk):
    me, ada, conversation_id, sent = talk
    client.post(f"/conversations/{conversation_id}/read", headers=ada.headers, json={"upTo": sent[2]["id"]})
    back = client.post(f"/conversations/{conversation_id}/read", headers=ada.headers, json={"upTo": sent[0]["id"]}).get_json()
    assert back["moved"] is False and back["readUpTo"] == sent[2]["createdAt"]
    delivered_back = client.post(f"/conversations/{conversation_id}/delivered", headers=ada.headers,
                                 json={"upTo": "2000-01-01T00:00:00.000Z"}).get_json()
    assert delivered_back["moved"] is False and delivered_back["deliveredUpTo"] == sent[2]["createdAt"]
    assert conversation(client, ada, conversation_id)["unreadCount"] == 0


def test_delivered_does_not_mark_read(client, talk):
    me, ada, conversation_id, sent = talk
    body = client.post(f"/conversations/{conversation_id}/delivered", headers=ada.headers, json={}).get_json()
    assert body["moved"] is True and body["readUpTo"] is None
    assert conversation(client, ada, conversation_id)["unreadCount"] == 3


def test_senders_copy_goes_sent_delivered_read(client, talk):
    me, ada, conversation_id, sent = talk
    newest = sent[2]["id"]
    assert status_of(client, me, conversation_id, newest) == "sent"
    client.post(f"/conversations/{conversation_id}/delivered", headers=ada.headers, json={"upTo": newest})
    assert status_of(client, me, conversation_id, newest) == "delivered"
    client.post(f"/conversations/{conversation_id}/read", headers=ada.headers, json={"upTo": sent[1]["id"]})
    assert status_of(client, me, conversation_id, sent[1]["id"]) == "read"
    assert status_of(client, me, conversation_id, newest) == "delivered"
    assert status_of(client, ada, conversation_id, newest) is None  # only the sender's copy has a status


def test_group_status_needs_every_other_member(client, person, say):
    me, ada, bob = person(), person(), person()
    group = client.post("/conversations", headers=me.headers, json={"type": "group", "name": "G", "members": [ada.id, bob.id]}).get_json()
    message = say(me, group["id"], "all of you")
    client.post(f"/conversations/{group['id']}/read", headers=ada.headers, json={})
    assert status_of(client, me, group["id"], message["id"]) == "sent"
    client.post(f"/conversations/{group['id']}/delivered", headers=bob.headers, json={})
    assert status_of(client, me, group["id"], message["id"]) == "delivered"
    client.post(f"/conversations/{group['id']}/read", headers=bob.headers)
    assert status_of(client, me, group["id"], message["id"]) == "read"


def test_bad_up_to_and_outsiders_are_refused(client, talk, person, chat, say):
    me, ada, conversation_id, sent = talk
    elsewhere = say(me, chat(me, person()), "elsewhere")
    for up_to in [elsewhere["id"], "soon", "0" * 24]:
        response = client.post(f"/conversations/{conversation_id}/read", headers=ada.headers, json={"upTo": up_to})
        assert response.status_code == 400, up_to
    outsider = person()
    assert client.post(f"/conversations/{conversation_id}/read", headers=outsider.headers, json={}).status_code == 404


def test_a_future_time_is_capped_at_now(client, talk, say):
    me, ada, conversation_id, sent = talk
    client.post(f"/conversations/{conversation_id}/read", headers=ada.headers, json={"upTo": "2999-01-01T00:00:00.000Z"})
    time.sleep(0.002)
    say(me, conversation_id, "later")
    assert conversation(client, ada, conversation_id)["unreadCount"] == 1
