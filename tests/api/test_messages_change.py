"""Editing (with history) and deleting (for everyone, or for me)."""
import pytest


@pytest.fixture
def talk(client, person, chat, say):
    me, ada = person("Me"), person("Ada")
    conversation_id = chat(me, ada)
    return me, ada, conversation_id, say(me, conversation_id, "first draft")


def texts(client, who, conversation_id):
    page = client.get(f"/messages?conversationId={conversation_id}", headers=who.headers).get_json()
    return [m["text"] for m in page["messages"]]


def test_sender_edits_and_history_keeps_every_version(client, talk):
    me, ada, conversation_id, message = talk
    first = client.patch(f"/messages/{message['id']}", headers=me.headers, json={"text": "second draft"})
    assert first.status_code == 200
    assert first.get_json()["text"] == "second draft" and first.get_json()["editedAt"].endswith("Z")
    client.patch(f"/messages/{message['id']}", headers=me.headers, json={"content": "final"})
    history = client.get(f"/messages/{message['id']}/history", headers=ada.headers).get_json()
    assert history["messageId"] == message["id"]
    assert [v["text"] for v in history["versions"]] == ["first draft", "second draft", "final"]
    assert history["versions"][0]["editedAt"] == message["createdAt"]
    assert texts(client, ada, conversation_id) == ["final"]


def test_only_the_sender_edits(client, talk, person):
    me, ada, conversation_id, message = talk
    refused = client.patch(f"/messages/{message['id']}", headers=ada.headers, json={"text": "hijack"})
    assert refused.status_code == 403 and refused.get_json()["code"] == "not_sender"
    outsider = person()
    assert client.patch(f"/messages/{message['id']}", headers=outsider.headers, json={"text": "x"}).status_code == 404
    assert client.get(f"/messages/{message['id']}/history", headers=outsider.headers).status_code == 404
    for bad in [{"text": ""}, {}, {"text": None}, {"text": "x", "type": "image"}]:
        assert client.patch(f"/messages/{message['id']}", headers=me.headers, json=bad).status_code == 400, bad


def test_delete_for_everyone_leaves_a_tombstone_and_clears_history(client, talk):
    me, ada, conversation_id, message = talk
    client.patch(f"/messages/{message['id']}", headers=me.headers, json={"text": "secret"})
    response = client.delete(f"/messages/{message['id']}", headers=me.headers)
    assert response.status_code == 200
    tombstone = response.get_json()
    assert tombstone["deleted"] is True and tombstone["deletedAt"].endswith("Z")
    assert tombstone["text"] == "" and tombstone["attachments"] == []
    seen = client.get(f"/messages?conversationId={conversation_id}", headers=ada.headers).get_json()["messages"]
    assert [(m["id"], m["deleted"], m["text"]) for m in seen] == [(message["id"], True, "")]
    history = client.get(f"/messages/{message['id']}/history", headers=ada.headers).get_json()["versions"]
    assert [v["text"] for v in history] == [""]
    edit = client.patch(f"/messages/{message['id']}", headers=me.headers, json={"text": "revive"})
    assert edit.status_code == 409 and edit.get_json()["code"] == "message_deleted"
    assert client.delete(f"/messages/{message['id']}", headers=me.headers).status_code == 200  # idempotent


def test_only_the_sender_or_a_group_admin_deletes_for_everyone(client, person, say):
    admin, member, other = person("Admin"), person("Member"), person("Other")
    group = client.post("/conversations", headers=admin.headers,
                        json={"type": "group", "name": "G", "participants": [member.id, other.id]}).get_json()
    by_member = say(member, group["id"], "member's")
    refused = client.delete(f"/messages/{by_member['id']}", headers=other.headers)
    assert refused.status_code == 403 and refused.get_json()["code"] == "not_allowed"
    assert client.delete(f"/messages/{by_member['id']}", headers=admin.headers).get_json()["deleted"] is True


def test_delete_for_me_hides_it_from_my_reads_only(client, talk, say):
    me, ada, conversation_id, message = talk
    other = say(ada, conversation_id, "stays")
    response = client.delete(f"/messages/{message['id']}?scope=me", headers=ada.headers)
    assert response.status_code == 200 and response.get_json()["deleted"] is False
    assert texts(client, ada, conversation_id) == ["stays"]
    assert texts(client, me, conversation_id) == ["stays", "first draft"]
    assert client.get(f"/messages/{message['id']}/history", headers=ada.headers).status_code == 404
    assert client.delete(f"/messages/{other['id']}?scope=all", headers=ada.headers).status_code == 400
