"""The disappearing-message timer of a chat: who may set it, what it accepts, the line in the chat,
and `expiresAt` on what is sent while it is on. (Expiry itself, across processes:
tests/system/test_disappearing_messages_multiprocess.py.)"""
import io
import json
import zipfile
from datetime import timedelta

import pytest

from backend2.models import Message
from backend2.utils.time import parse_iso
from support.people import AppWorld
from support.web_pages import png

DAY = 86400


def set_timer(client, who, conversation_id, body):
    return client.patch(f"/conversations/{conversation_id}", headers=who.headers, json=body)


def lines(client, who, conversation_id):
    page = client.get(f"/messages?conversationId={conversation_id}", headers=who.headers).get_json()
    return [m for m in page["messages"] if m["type"] == "system"]


def test_either_person_of_a_direct_chat_sets_it_and_a_line_says_who_set_what(client, person, chat, say):
    me, ada = person("Me"), person("Ada")
    conversation_id = chat(me, ada)
    before = say(me, conversation_id, "stays")
    assert before["expiresAt"] is None and before["expires_at"] is None

    answer = set_timer(client, ada, conversation_id, {"disappearingSeconds": DAY})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["disappearingSeconds"] == DAY and answer.get_json()["disappearing_seconds"] == DAY
    assert lines(client, me, conversation_id)[0]["text"] == "Ada set disappearing messages to 1 day"
    assert lines(client, me, conversation_id)[0]["system"]["disappearingSeconds"] == DAY

    sent = say(me, conversation_id, "goes")
    assert parse_iso(sent["expiresAt"]) - parse_iso(sent["createdAt"]) == timedelta(days=1)
    assert sent["expires_at"] == sent["expiresAt"]

    assert set_timer(client, me, conversation_id, {"disappearing_seconds": 7 * DAY}).status_code == 200
    assert set_timer(client, me, conversation_id, {"disappearingSeconds": None}).get_json()["disappearingSeconds"] is None
    assert [m["text"] for m in lines(client, me, conversation_id)[:2]] == [
        "Me turned off disappearing messages", "Me set disappearing messages to 7 days"]
    assert say(me, conversation_id, "stays again")["expiresAt"] is None


def test_in_a_group_only_admins_set_it(client, person, befriend):
    me, ada = person("Me"), person("Ada")
    befriend(me, ada)
    group = client.post("/conversations", headers=me.headers,
                        json={"type": "group", "name": "G", "participants": [ada.id]}).get_json()["id"]
    refused = set_timer(client, ada, group, {"disappearingSeconds": DAY})
    assert refused.status_code == 403 and refused.get_json()["code"] == "admin_required"
    assert set_timer(client, me, group, {"disappearingSeconds": 90 * DAY, "name": "H"}).get_json()["name"] == "H"
    assert client.get(f"/conversations/{group}", headers=ada.headers).get_json()["disappearingSeconds"] == 90 * DAY


@pytest.mark.parametrize("value", [29, 90 * DAY + 1, -5, "86400", 1.5, True])
def test_timers_outside_the_allowed_range_are_refused(client, person, chat, value):
    me, ada = person("Me"), person("Ada")
    answer = set_timer(client, me, chat(me, ada), {"disappearingSeconds": value})
    assert answer.status_code == 400 and answer.get_json()["code"] == "validation_error"
    assert "disappearingSeconds" in answer.get_json()["details"]


def test_the_shortest_timer_is_a_setting(world_with):
    world = world_with(DISAPPEARING_MIN_SECONDS=2)
    me, ada = world.person("Me"), world.person("Ada")
    conversation_id = world.chat(me, ada)
    assert set_timer(world.client, me, conversation_id, {"disappearingSeconds": 2}).status_code == 200


def test_a_stranger_cannot_set_it_or_learn_the_chat_exists(client, person, chat):
    me, ada, eve = person("Me"), person("Ada"), person("Eve")
    answer = set_timer(client, eve, chat(me, ada), {"disappearingSeconds": DAY})
    assert answer.status_code == 404 and answer.get_json()["code"] == "conversation_not_found"


def test_other_group_settings_stay_refused_in_a_direct_chat(client, person, chat):
    me, ada = person("Me"), person("Ada")
    answer = set_timer(client, me, chat(me, ada), {"disappearingSeconds": DAY, "name": "x"})
    assert answer.status_code == 400 and answer.get_json()["code"] == "not_a_group"


def test_a_disappearing_messages_push_carries_no_text(make_app, otp_inbox, fcm, push_providers):
    world = AppWorld(make_app(use_redis=False, **fcm.settings()).test_client(), otp_inbox)
    me, ada = world.person("Me"), world.person("Ada")
    conversation_id = world.chat(me, ada)
    world.client.put("/auth/sessions/current/push", headers=ada.headers, json={"fcmToken": "fcm-vanishing"})
    set_timer(world.client, me, conversation_id, {"disappearingSeconds": DAY})
    sent = world.say(me, conversation_id, "the secret itself")
    push = fcm.wait_for(lambda p: p["token"] == "fcm-vanishing" and p["data"].get("messageId") == sent["id"])[0]
    assert push["message"]["notification"]["body"] == "New message"
    assert "secret" not in str(push)


def upload(client, who, data=b"burn after reading", name="notes.txt"):
    answer = client.post("/uploads", headers=who.headers, data={"file": (io.BytesIO(data), name)},
                         content_type="multipart/form-data")
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["url"]


def test_disappearing_messages_and_their_files_are_never_exported(client, person, chat, say):
    me, ada = person("Me"), person("Ada")
    conversation_id = chat(me, ada)
    kept_file, vanishing_file = upload(client, me), upload(client, me)
    kept = say(me, conversation_id, "kept", attachments=[{"url": kept_file}])
    set_timer(client, me, conversation_id, {"disappearingSeconds": DAY})
    say(me, conversation_id, "vanishing", attachments=[{"url": vanishing_file}])
    response = client.get("/users/me/export", headers=me.headers)
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    messages = json.loads(archive.read("backend2-export.json"))["messages"]
    assert [m["id"] for m in messages if m["type"] != "system"] == [kept["id"]]
    assert "vanishing" not in archive.read("backend2-export.json").decode()
    stored = {name.split("/")[-1] for name in archive.namelist() if name.startswith("files/")}
    assert stored == {kept_file.split("?")[0].rsplit("/", 1)[-1]}


def test_a_disappearing_message_deleted_before_its_time_takes_its_files(client, person, chat, say):
    me, ada = person("Me"), person("Ada")
    conversation_id = chat(me, ada)
    set_timer(client, me, conversation_id, {"disappearingSeconds": DAY})
    attached, card_image = upload(client, me), upload(client, me, png((60, 40)), "card.png")
    link = "https://example.org/story"
    sent = say(me, conversation_id, f"read {link}", attachments=[{"url": attached}],
               linkPreview={"url": link, "title": "A story", "image": card_image})
    assert client.get(attached.split("?")[0], headers=ada.headers).status_code == 200
    assert client.delete(f"/messages/{sent['id']}", headers=me.headers).status_code == 200
    for url in (attached, card_image):
        assert client.get(url).status_code == 404
        assert client.get(url.split("?")[0], headers=me.headers).status_code == 404


def test_the_sweep_and_file_checks_are_indexed(app):
    with app.app_context():
        Message.ensure_indexes()
        indexes = {tuple(key for key, _ in index["key"]): index for index in
                   Message._get_collection().index_information().values()}
    # The sweep reads only messages still there: the tombstones of expired ones are not in its index.
    assert indexes[("expiresAt", "_id")]["partialFilterExpression"] == {"deleted": False}
    # Who may fetch a file: both halves of the $or are indexed, or every check scans every message.
    assert ("attachments.url",) in indexes and indexes[("linkPreview.image",)]["sparse"] is True
