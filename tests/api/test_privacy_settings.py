"""Privacy settings, each seen from a contact (whose number the owner saved), a non-contact and
a blocked user; read receipts turned off, from both sides."""
import io

import pytest
from PIL import Image

from backend2.models import User
from backend2.utils.time import utcnow


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 10, 10)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def people(client, person, befriend):
    """Owner (with a photo and a last seen time), who saved Friend's number; Stranger, whom Owner
    did not; Blocked, whom Owner blocked. Each of them chats with Owner."""
    owner, friend, stranger, blocked = (person(name) for name in ("Owner", "Friend", "Stranger", "Blocked"))
    befriend(owner, friend, stranger, blocked)
    for other in (friend, stranger, blocked):
        opened = client.post("/conversations", headers=owner.headers, json={"participants": [other.id]})
        assert opened.status_code == 201
    befriend(owner, friend)  # the address book now holds Friend only
    assert client.post("/users/me/avatar", headers=owner.headers, data={"file": (io.BytesIO(png()), "me.png")},
                       content_type="multipart/form-data").status_code == 200
    assert client.post(f"/users/{blocked.id}/block", headers=owner.headers).status_code in (200, 201)
    return owner, friend, stranger, blocked


def set_privacy(client, who, **settings):
    response = client.patch("/users/me/settings", headers=who.headers, json=settings)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def profile(client, viewer, owner):
    response = client.get(f"/users/{owner.id}", headers=viewer.headers)
    return response.get_json() if response.status_code == 200 else None


def test_the_defaults_show_everything_and_settings_are_checked(client, person):
    me = person("Me")
    assert client.get("/users/me/settings", headers=me.headers).get_json() == {
        "lastSeen": "everyone", "onlineStatus": "everyone", "profilePhoto": "everyone", "readReceipts": True,
        "previewsInPush": True, "requestsFromStrangers": True, "linkPreviews": True}
    for bad in ({"lastSeen": "friends"}, {"profilePhoto": "nobody"}, {"readReceipts": "no"}, {"colour": "blue"}):
        assert client.patch("/users/me/settings", headers=me.headers, json=bad).status_code == 400
    assert set_privacy(client, me)["lastSeen"] == "everyone"  # nothing to change is fine
    assert set_privacy(client, me, previewsInPush=False)["previewsInPush"] is False
    assert client.get("/users/me", headers=me.headers).get_json()["pushPreviews"] is False


@pytest.mark.parametrize("setting, friend_sees, stranger_sees", [
    ("everyone", True, True), ("contacts", True, False), ("nobody", False, False)])
def test_last_seen_is_shown_as_the_owner_chose(client, people, setting, friend_sees, stranger_sees):
    owner, friend, stranger, blocked = people
    with client.application.app_context():  # as if Owner's last device had just gone
        User.objects(id=owner.id).update_one(set__last_seen=utcnow())
    set_privacy(client, owner, lastSeen=setting)
    assert (profile(client, friend, owner)["lastSeen"] is not None) is friend_sees
    assert (profile(client, stranger, owner)["lastSeen"] is not None) is stranger_sees
    assert profile(client, blocked, owner) is None
    assert client.get("/users/me", headers=owner.headers).get_json()["lastSeen"] is not None  # never from oneself
    listed = client.get("/conversations", headers=stranger.headers).get_json()["conversations"][0]
    shown = next(p for p in listed["participants"] if p["id"] == owner.id)
    assert (shown["lastSeen"] is not None) is stranger_sees


def test_a_photo_for_contacts_only_is_not_shown_to_others(client, people):
    owner, friend, stranger, _ = people
    set_privacy(client, owner, profilePhoto="contacts")
    assert profile(client, friend, owner)["avatar"] is not None
    assert profile(client, stranger, owner)["avatar"] is None and profile(client, stranger, owner)["avatarUrl"] is None
    found = client.get("/users", headers=stranger.headers, query_string={"q": "Owner"}).get_json()["users"]
    assert [u["avatar"] for u in found] == [None]


def read_state(client, sender, conversation_id):
    messages = client.get("/messages", headers=sender.headers, query_string={"conversationId": conversation_id})
    conversation = client.get(f"/conversations/{conversation_id}", headers=sender.headers).get_json()
    return [m["status"] for m in messages.get_json()["messages"] if m["sender"] == sender.id], conversation["readUpTo"]


def test_with_read_receipts_off_others_see_delivered_and_the_reader_sees_no_ones_reads(client, person, chat, say):
    me, ada = person("Me"), person("Ada")
    conversation_id = chat(me, ada)
    mine = say(me, conversation_id, "did you read this?")
    set_privacy(client, ada, readReceipts=False)
    read = client.post(f"/conversations/{conversation_id}/read", headers=ada.headers, json={"upTo": mine["id"]})
    assert read.status_code == 200
    statuses, cursors = read_state(client, me, conversation_id)
    assert statuses == ["delivered"] and ada.id not in cursors
    assert client.get(f"/conversations/{conversation_id}", headers=ada.headers).get_json()["unreadCount"] == 0

    theirs = say(ada, conversation_id, "and you?")
    client.post(f"/conversations/{conversation_id}/read", headers=me.headers, json={"upTo": theirs["id"]})
    statuses, cursors = read_state(client, ada, conversation_id)
    assert statuses == ["delivered"] and me.id not in cursors  # Ada sees no one's reads
    set_privacy(client, ada, readReceipts=True)
    assert read_state(client, me, conversation_id)[0] == ["read"]
