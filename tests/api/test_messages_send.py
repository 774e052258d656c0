"""Sending messages in either app's shape, exactly once."""
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests
from pymongo.errors import AutoReconnect

from backend2.models import Conversation
from backend2.services.support.announce import receivers_of
from backend2.services.support.events import MessageCreated

ISO_FIELDS = ("createdAt", "updatedAt")


def test_desktop_shape_and_both_output_shapes(client, person, chat):
    me, ada = person("Me"), person("Ada")
    conversation_id = chat(me, ada)
    response = client.post("/messages", headers=me.headers, json={"conversationId": conversation_id, "text": "Hi Ada"})
    assert response.status_code == 201
    message = response.get_json()
    assert message["id"] == message["_id"]
    assert message["conversation"] == message["conversationId"] == conversation_id
    assert message["sender"] == message["from"] == me.id
    assert message["to"] == ada.id
    assert message["text"] == message["content"] == "Hi Ada"
    assert message["type"] == "text" and message["attachments"] == []
    assert message["replyTo"] is None and message["clientId"] is None
    assert message["editedAt"] is None and message["deleted"] is False and message["deletedAt"] is None
    assert message["status"] == "sent"
    assert all(message[field].endswith("Z") and len(message[field]) == 24 for field in ISO_FIELDS)


def test_desktop_alias_names_conversation_and_content(client, person, chat):
    me, ada = person(), person()
    conversation_id = chat(me, ada)
    response = client.post("/messages", headers=me.headers, json={"conversation": conversation_id, "content": "aliased"})
    assert response.status_code == 201 and response.get_json()["text"] == "aliased"


def test_mobile_shape_to_a_contact_opens_the_conversation(client, person, befriend):
    me, ada = person(), person()
    befriend(me, ada)
    response = client.post("/messages", headers=me.headers, json={"from": me.id, "to": ada.id, "text": "hey"})
    assert response.status_code == 201
    message = response.get_json()
    conversations = client.get("/conversations", headers=ada.headers).get_json()["conversations"]
    assert [c["id"] for c in conversations] == [message["conversationId"]]
    again = client.post("/messages", headers=me.headers, json={"to": ada.id, "text": "again"}).get_json()
    assert again["conversationId"] == message["conversationId"]


def test_mobile_shape_to_a_stranger_needs_a_chat_request(client, person):
    me, stranger = person(), person()
    response = client.post("/messages", headers=me.headers, json={"to": stranger.id, "text": "hey"})
    assert response.status_code == 403 and response.get_json()["code"] == "chat_request_required"


def test_from_must_be_the_caller(client, person, befriend):
    me, ada = person(), person()
    befriend(me, ada)
    response = client.post("/messages", headers=me.headers, json={"from": ada.id, "to": ada.id, "text": "spoof"})
    assert response.status_code == 403 and response.get_json()["code"] == "sender_mismatch"


def test_retry_with_the_same_client_id_returns_the_original(client, person, chat):
    me, ada = person(), person()
    conversation_id = chat(me, ada)
    body = {"conversationId": conversation_id, "text": "once", "clientId": "c-1"}
    first = client.post("/messages", headers=me.headers, json=body)
    second = client.post("/messages", headers=me.headers, json=body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["id"] == second.get_json()["id"] and second.get_json()["clientId"] == "c-1"
    page = client.get(f"/messages?conversationId={conversation_id}", headers=me.headers).get_json()
    assert len(page["messages"]) == 1


def test_client_ids_are_per_sender(client, person, chat):
    me, ada = person(), person()
    conversation_id = chat(me, ada)
    mine = client.post("/messages", headers=me.headers, json={"conversationId": conversation_id, "text": "a", "clientId": "same"})
    theirs = client.post("/messages", headers=ada.headers, json={"conversationId": conversation_id, "text": "b", "clientId": "same"})
    assert mine.status_code == theirs.status_code == 201
    assert mine.get_json()["id"] != theirs.get_json()["id"]


def test_twenty_concurrent_retries_store_one_message(live_server, module_webhook):
    me, ada = live_server.register(module_webhook), live_server.register(module_webhook)
    requests.post(f"{live_server.base}/contacts/sync", headers=me.headers, json={"phones": [ada.phone]})
    conversation_id = requests.post(f"{live_server.base}/conversations", headers=me.headers,
                                    json={"participants": [ada.id]}).json()["id"]
    body = {"conversationId": conversation_id, "text": "exactly once", "clientId": str(uuid.uuid4())}
    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(lambda _: requests.post(f"{live_server.base}/messages", headers=me.headers, json=body), range(20)))
    assert sorted(r.status_code for r in responses) == [200] * 19 + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    page = requests.get(f"{live_server.base}/messages", params={"conversationId": conversation_id}, headers=ada.headers).json()
    assert [m["text"] for m in page["messages"]] == ["exactly once"]


def test_non_participants_and_unknown_conversations_get_404(client, person, chat):
    me, ada, outsider = person(), person(), person()
    conversation_id = chat(me, ada)
    for target in [conversation_id, "0" * 24]:
        response = client.post("/messages", headers=outsider.headers, json={"conversationId": target, "text": "x"})
        assert response.status_code == 404


def test_blocked_pair_cannot_message_in_an_existing_chat(client, person, chat):
    me, ada = person(), person()
    conversation_id = chat(me, ada)
    client.post(f"/users/{me.id}/block", headers=ada.headers)
    for sender in (me, ada):
        response = client.post("/messages", headers=sender.headers, json={"conversationId": conversation_id, "text": "x"})
        assert response.status_code == 403 and response.get_json()["code"] == "blocked"


def test_content_rules(make_app, otp_inbox):
    from support.people import Person, register_on
    client = make_app(use_redis=False, MESSAGE_MAX_CHARS=20).test_client()
    me, ada = (Person(register_on(client, otp_inbox)) for _ in range(2))
    client.post("/contacts/sync", headers=me.headers, json={"phones": [ada.phone]})
    conversation_id = client.post("/conversations", headers=me.headers, json={"participants": [ada.id]}).get_json()["id"]
    base = {"conversationId": conversation_id}
    for body, code in [({"text": ""}, "empty_message"), ({"text": "   "}, "empty_message"),
                       ({"text": "x" * 21}, "validation_error"), ({"text": "x", "type": "sticker"}, "validation_error"),
                       ({"text": {"$gt": ""}}, "validation_error"), ({"type": "location"}, "empty_message"),
                       ({"text": "x", "to": ada.id}, "validation_error"),
                       ({"text": "x", "replyTo": "0" * 24}, "invalid_reply")]:
        response = client.post("/messages", headers=me.headers, json={**base, **body})
        assert response.status_code == 400, body
        assert response.get_json()["code"] == code, body
    assert client.post("/messages", headers=me.headers, json={"text": "no target"}).status_code == 400
    assert client.post("/messages", headers=me.headers, json={**base, "text": "x" * 20}).status_code == 201


def test_location_and_contact_messages(client, person, chat):
    me, ada = person(), person()
    conversation_id = chat(me, ada)
    location = client.post("/messages", headers=me.headers, json={
        "conversationId": conversation_id, "location": {"latitude": 48.85, "longitude": 2.35, "name": "Paris"}}).get_json()
    assert location["type"] == "location" and location["location"]["name"] == "Paris"
    contact = client.post("/messages", headers=me.headers, json={
        "conversationId": conversation_id, "type": "contact", "contact": {"name": "Bo", "phone": "+14155550100"}}).get_json()
    assert contact["type"] == "contact" and contact["contact"]["phone"] == "+14155550100"
    bad = client.post("/messages", headers=me.headers, json={
        "conversationId": conversation_id, "location": {"latitude": 91, "longitude": 0}})
    assert bad.status_code == 400


def test_reply_carries_a_preview_of_the_quoted_message(client, person, chat, say):
    me, ada = person(), person()
    conversation_id = chat(me, ada)
    quoted = say(ada, conversation_id, "x" * 150)
    reply = say(me, conversation_id, "answer", replyTo=quoted["id"])
    preview = reply["replyTo"]
    assert preview["id"] == preview["_id"] == quoted["id"]
    assert preview["sender"] == preview["from"] == ada.id
    assert preview["text"] == "x" * 100 and preview["deleted"] is False
    other = chat(me, person())
    elsewhere = client.post("/messages", headers=me.headers, json={"conversationId": other, "text": "x", "replyTo": quoted["id"]})
    assert elsewhere.status_code == 400


def test_sending_moves_the_conversation_to_the_top_with_its_last_message(client, person, chat, say):
    me, ada, bob = person(), person(), person()
    with_ada, with_bob = chat(me, ada), chat(me, bob)
    say(ada, with_ada, "newest")
    listed = client.get("/conversations", headers=me.headers).get_json()["conversations"]
    assert [c["id"] for c in listed] == [with_ada, with_bob]
    assert listed[0]["lastMessage"]["text"] == "newest" and listed[0]["lastMessage"]["content"] == "newest"
    assert listed[0]["updatedAt"] == listed[0]["lastMessage"]["createdAt"]
    assert listed[1]["lastMessage"] is None


def test_a_stored_message_is_announced_even_when_the_conversation_update_fails(app, client, person, chat, monkeypatch):
    """A retry finds the message stored and does not announce it again, so the first try must."""
    me, ada = person(), person()
    conversation_id = chat(me, ada)

    def database_hiccup(cls, *args):
        raise AutoReconnect("connection pool paused")

    monkeypatch.setattr(Conversation, "bump", classmethod(database_hiccup))
    announced = []
    receivers_of(app).add(MessageCreated, lambda event: announced.append(str(event.message.id)))
    sent = client.post("/messages", headers=me.headers, json={"conversationId": conversation_id, "text": "hi"})
    assert sent.status_code == 201 and announced == [sent.get_json()["id"]]
