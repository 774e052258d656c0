"""Offline catch-up: everything that changed since a cursor, across all conversations."""
import time

import pytest

from support.people import Person, register_on


@pytest.fixture
def setup(make_app, otp_inbox):
    """An app whose sync reports changes at once (SYNC_SETTLE_MS=0) and two chatting users."""
    client = make_app(use_redis=False, SYNC_SETTLE_MS=0).test_client()
    me, ada = (Person(register_on(client, otp_inbox)) for _ in range(2))
    client.post("/contacts/sync", headers=me.headers, json={"phones": [ada.phone]})
    conversation_id = client.post("/conversations", headers=me.headers, json={"participants": [ada.id]}).get_json()["id"]
    return client, me, ada, conversation_id


def sync(client, who, since=None, limit=None):
    query = {key: value for key, value in (("since", since), ("limit", limit)) if value is not None}
    response = client.get("/messages/sync", query_string=query, headers=who.headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def send(client, who, conversation_id, text):
    return client.post("/messages", headers=who.headers, json={"conversationId": conversation_id, "text": text}).get_json()


def test_first_call_gives_a_cursor_for_now(setup):
    client, me, ada, conversation_id = setup
    send(client, me, conversation_id, "before the cursor")
    time.sleep(0.002)
    first = sync(client, ada)
    assert first["messages"] == [] and first["hasMore"] is False
    assert sync(client, ada, first["nextCursor"])["messages"] == []


def test_catch_up_sees_new_edited_deleted_and_hidden_messages_and_receipts(setup):
    client, me, ada, conversation_id = setup
    cursor = sync(client, ada)["nextCursor"]
    time.sleep(0.002)
    kept = send(client, me, conversation_id, "kept")
    edited = send(client, me, conversation_id, "typo")
    deleted = send(client, me, conversation_id, "oops")
    hidden = send(client, me, conversation_id, "hide me")
    client.patch(f"/messages/{edited['id']}", headers=me.headers, json={"text": "fixed"})
    client.delete(f"/messages/{deleted['id']}", headers=me.headers)
    client.delete(f"/messages/{hidden['id']}?scope=me", headers=ada.headers)
    client.post(f"/conversations/{conversation_id}/read", headers=me.headers, json={})

    changes = sync(client, ada, cursor)

    by_id = {m["id"]: m for m in changes["messages"]}
    assert set(by_id) == {kept["id"], edited["id"], deleted["id"]}
    assert by_id[edited["id"]]["text"] == "fixed" and by_id[edited["id"]]["editedAt"]
    assert by_id[deleted["id"]]["deleted"] is True
    assert changes["hidden"] == [hidden["id"]]
    assert [r["conversationId"] for r in changes["receipts"]] == [conversation_id]
    assert me.id in changes["receipts"][0]["readUpTo"]
    after = sync(client, ada, changes["nextCursor"])
    assert (after["messages"], after["hidden"], after["receipts"]) == ([], [], [])


def test_catch_up_pages_with_has_more_and_no_repeats(setup):
    client, me, ada, conversation_id = setup
    cursor = sync(client, ada)["nextCursor"]
    time.sleep(0.002)
    sent = [send(client, me, conversation_id, f"m{n}")["id"] for n in range(25)]
    seen, pages = [], 0
    while True:
        page = sync(client, ada, cursor, limit=10)
        seen += [m["id"] for m in page["messages"]]
        cursor, pages = page["nextCursor"], pages + 1
        if not page["hasMore"]:
            break
    assert seen == sent and pages == 3


def test_changes_in_conversations_i_am_not_in_are_not_reported(setup, otp_inbox):
    client, me, ada, conversation_id = setup
    outsider = Person(register_on(client, otp_inbox))
    cursor = sync(client, outsider)["nextCursor"]
    time.sleep(0.002)
    send(client, me, conversation_id, "private")
    assert sync(client, outsider, cursor)["messages"] == []


def test_recent_writes_wait_for_the_settle_window(make_app, otp_inbox):
    client = make_app(use_redis=False, SYNC_SETTLE_MS=60_000).test_client()
    me, ada = (Person(register_on(client, otp_inbox)) for _ in range(2))
    client.post("/contacts/sync", headers=me.headers, json={"phones": [ada.phone]})
    conversation_id = client.post("/conversations", headers=me.headers, json={"participants": [ada.id]}).get_json()["id"]
    cursor = sync(client, ada)["nextCursor"]
    send(client, me, conversation_id, "still settling")
    assert sync(client, ada, cursor)["messages"] == []


def test_bad_cursors_are_400(setup):
    client, me, ada, conversation_id = setup
    for since in ["nonsense", "MTIz", "x" * 65]:
        assert client.get("/messages/sync", query_string={"since": since}, headers=me.headers).status_code == 400
    assert client.get("/messages/sync?limit=501", headers=me.headers).status_code == 400


def test_each_device_of_a_user_catches_up_on_what_another_device_did(setup, otp_inbox):
    client, me, ada, conversation_id = setup
    client.post("/auth/send-otp-login", json={"phone": ada.phone})
    phone = Person(client.post("/auth/verify-otp-login", json={
        "phone": ada.phone, "otp": otp_inbox(ada.phone, "login"), "platform": "flutter"}).get_json())
    laptop = ada
    cursors = {name: sync(client, who)["nextCursor"] for name, who in (("laptop", laptop), ("phone", phone), ("me", me))}
    time.sleep(0.002)
    kept = send(client, laptop, conversation_id, "kept")
    hidden = send(client, laptop, conversation_id, "hidden on every device of mine")
    client.delete(f"/messages/{hidden['id']}?scope=me", headers=laptop.headers)
    for name, device in (("laptop", laptop), ("phone", phone)):
        changes = sync(client, device, cursors[name])
        assert [m["id"] for m in changes["messages"]] == [kept["id"]], name
        assert changes["hidden"] == [hidden["id"]], name
    other_user = sync(client, me, cursors["me"])
    assert {m["id"] for m in other_user["messages"]} == {kept["id"], hidden["id"]} and other_user["hidden"] == []
