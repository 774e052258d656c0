"""Reactions, mentions, pins, forwards, chat settings and group lines as the apps' sockets see them."""
import pytest
import requests

from support.people import open_chat

pytestmark = pytest.mark.redis


@pytest.fixture
def group(live_server):
    """Me (admin), Ada and Bob in a group; the id and the three people."""
    me, ada, bob = (live_server.register(name=name) for name in ("Me", "Ada", "Bob"))
    requests.post(f"{live_server.base}/contacts/sync", headers=me.headers, json={"phones": [ada.phone, bob.phone]})
    created = requests.post(f"{live_server.base}/conversations", headers=me.headers,
                            json={"type": "group", "name": "G", "participants": [ada.id, bob.id]})
    return created.json()["id"], me, ada, bob


def test_reactions_reach_every_device_each_with_its_own_mine(live_server, connect, group):
    gid, me, ada, bob = group
    mine, adas, bobs = connect(live_server.base, me.token), connect(live_server.base, ada.token), \
        connect(live_server.base, bob.token)
    sent = mine.call("message", {"conversationId": gid, "text": "vote"})
    ack = adas.call("reaction", {"messageId": sent["id"], "emoji": "👍"})
    assert ack["reactions"] == [{"emoji": "👍", "count": 1, "userIds": [ada.id], "mine": True}]
    for device, is_mine in ((mine, False), (adas, True), (bobs, False)):
        event = device.wait_for("message_reaction", lambda e: e["messageId"] == sent["id"])
        assert (event["userId"], event["emoji"], event["action"], event["conversationId"]) == (ada.id, "👍", "add", gid)
        assert event["reactions"][0]["mine"] is is_mine and event["reactions"][0]["count"] == 1
    removed = adas.call("reaction", {"id": sent["id"], "emoji": "👍", "action": "remove"})
    assert removed["reactions"] == []
    assert bobs.wait_for("message_reaction", lambda e: e["action"] == "remove")["reactions"] == []
    refused = adas.call("reaction", {"messageId": sent["id"], "emoji": "not one"})
    assert refused["error"]["code"] == "invalid_emoji"


def test_a_mentioned_member_gets_a_copy_that_says_so(live_server, connect, group):
    gid, me, ada, bob = group
    adas, bobs = connect(live_server.base, ada.token), connect(live_server.base, bob.token)
    sent = connect(live_server.base, me.token).call("message", {"conversationId": gid, "text": "@Ada",
                                                                "mentions": [ada.id]})
    assert sent["mentions"] == [ada.id] and sent["mentionsMe"] is False
    assert adas.wait_for("message", lambda m: m["id"] == sent["id"])["mentionsMe"] is True
    assert bobs.wait_for("message", lambda m: m["id"] == sent["id"])["mentionsMe"] is False


def test_pins_forwards_and_group_lines_reach_the_members(live_server, connect, group):
    gid, me, ada, bob = group
    mine, adas = connect(live_server.base, me.token), connect(live_server.base, ada.token)
    sent = mine.call("message", {"conversationId": gid, "text": "read this"})
    pins = adas.call("pin", {"messageId": sent["id"]})
    assert [p["messageId"] for p in pins["pins"]] == [sent["id"]]
    pinned = mine.wait_for("message_pinned", lambda e: e["messageId"] == sent["id"])
    assert pinned["userId"] == ada.id and pinned["pins"][0]["pinnedBy"] == ada.id
    adas.call("unpin", {"messageId": sent["id"]})
    assert mine.wait_for("message_unpinned", lambda e: e["messageId"] == sent["id"])["pins"] == []

    direct = open_chat(live_server.base, ada, bob)
    bobs = connect(live_server.base, bob.token)
    results = adas.call("forward", {"messageId": sent["id"], "conversationIds": [direct]})["results"]
    assert results[0]["ok"] and results[0]["message"]["forwarded"] is True
    assert bobs.wait_for("message", lambda m: m["id"] == results[0]["message"]["id"])["text"] == "read this"

    requests.delete(f"{live_server.base}/conversations/{gid}/members/{bob.id}", headers=me.headers)
    line = bobs.wait_for("message", lambda m: m["type"] == "system" and m["conversationId"] == gid)
    assert line["text"] == "Me removed Bob" and line["system"]["userIds"] == [bob.id]
    adas.wait_for("message", lambda m: m["id"] == line["id"])


def test_deleting_a_pinned_message_for_everyone_unpins_it_in_what_devices_hear(live_server, connect, group):
    gid, me, ada, _ = group
    mine, adas = connect(live_server.base, me.token), connect(live_server.base, ada.token)
    kept, gone = (mine.call("message", {"conversationId": gid, "text": text}) for text in ("kept", "gone"))
    for message in (kept, gone):
        mine.call("pin", {"messageId": message["id"]})
    deleted = requests.delete(f"{live_server.base}/messages/{gone['id']}", headers=me.headers,
                              params={"scope": "everyone"})
    assert deleted.status_code == 200, deleted.text
    unpinned = adas.wait_for("message_unpinned", lambda e: e["messageId"] == gone["id"])
    assert [pin["messageId"] for pin in unpinned["pins"]] == [kept["id"]]


def test_chat_settings_follow_the_user_to_their_other_devices_only(live_server, connect, group):
    gid, me, ada, _ = group
    phone, laptop = connect(live_server.base, me.token), connect(live_server.base, me.token)
    adas = connect(live_server.base, ada.token)
    response = requests.patch(f"{live_server.base}/conversations/{gid}/settings", headers=me.headers,
                              json={"archived": True, "pinned": True})
    assert response.status_code == 200
    for device in (phone, laptop):
        event = device.wait_for("conversation_settings", lambda e: e["conversationId"] == gid)
        assert event["archived"] and event["pinned"] and event["pinnedAt"].endswith("Z") and event["clearedAt"] is None
    assert not adas.received("conversation_settings")
