"""Reactions: one per person per emoji, bounded, shown per viewer, gone with the message."""
import time
from urllib.parse import quote

import pytest


def react(client, who, message_id, emoji, **extra):
    return client.put(f"/messages/{message_id}/reactions", headers=who.headers, json={"emoji": emoji, **extra})


def unreact(client, who, message_id, emoji):
    return client.delete(f"/messages/{message_id}/reactions/{quote(emoji)}", headers=who.headers)


def test_reactions_count_people_and_say_which_are_mine(client, person, chat, say):
    me, ada = person("Me"), person("Ada")
    message = say(me, chat(me, ada), "hi")
    assert message["reactions"] == []
    assert react(client, ada, message["id"], "👍").status_code == 200
    assert react(client, ada, message["id"], "👍").status_code == 200  # again: still one
    mine = react(client, me, message["id"], "👍🏽").get_json()
    both = react(client, me, message["id"], "👍").get_json()["reactions"]
    assert both[0] == {"emoji": "👍", "count": 2, "userIds": [ada.id, me.id], "mine": True}
    assert both[1] == {"emoji": "👍🏽", "count": 1, "userIds": [me.id], "mine": True}
    assert mine["id"] == message["id"]
    seen_by_ada = client.get(f"/messages?conversationId={message['conversation']}", headers=ada.headers).get_json()
    reactions = seen_by_ada["messages"][0]["reactions"]
    assert [(r["emoji"], r["count"], r["mine"]) for r in reactions] == [("👍", 2, True), ("👍🏽", 1, False)]


def test_taking_a_reaction_back_removes_an_emoji_nobody_uses(client, person, chat, say):
    me, ada = person("Me"), person("Ada")
    message = say(me, chat(me, ada))
    react(client, ada, message["id"], "👨‍👩‍👧")
    react(client, me, message["id"], "❤️")
    after = unreact(client, ada, message["id"], "👨‍👩‍👧")
    assert after.status_code == 200
    assert [r["emoji"] for r in after.get_json()["reactions"]] == ["❤️"]
    again = unreact(client, ada, message["id"], "👨‍👩‍👧")  # not hers any more: nothing changes
    assert again.status_code == 200 and len(again.get_json()["reactions"]) == 1


@pytest.mark.parametrize("emoji", ["", "a", "👍👍", ":)", "👍 ", "x" * 70, "\u200d"])
def test_anything_but_one_emoji_is_refused_and_nothing_is_stored(client, person, chat, say, emoji):
    me, ada = person(), person()
    message = say(me, chat(me, ada))
    response = react(client, ada, message["id"], emoji)
    assert response.status_code == 400
    assert response.get_json()["code"] in ("invalid_emoji", "validation_error")
    listed = client.get(f"/messages?conversationId={message['conversation']}", headers=me.headers).get_json()
    assert listed["messages"][0]["reactions"] == []


def test_a_message_takes_a_bounded_number_of_different_emoji(world_with):
    world = world_with(REACTIONS_MAX_DISTINCT=2)
    client, me, ada = world.client, world.person(), world.person()
    message = world.say(me, world.chat(me, ada))
    assert react(client, ada, message["id"], "😀").status_code == 200
    assert react(client, me, message["id"], "😂").status_code == 200
    full = react(client, ada, message["id"], "🎉")
    assert full.status_code == 409 and full.get_json()["code"] == "too_many_reactions"
    assert react(client, ada, message["id"], "😂").status_code == 200  # an emoji already there still takes people


def test_reactions_to_unknown_foreign_or_deleted_messages_are_refused(client, person, chat, say):
    me, ada, eve = person(), person(), person()
    message = say(me, chat(me, ada))
    assert react(client, eve, message["id"], "👍").get_json()["code"] == "message_not_found"
    assert react(client, me, "5f1d7c0e2b3a4c5d6e7f8091", "👍").status_code == 404
    assert react(client, me, "nope", "👍").status_code == 404
    react(client, ada, message["id"], "👍")
    deleted = client.delete(f"/messages/{message['id']}", headers=me.headers).get_json()
    assert deleted["deleted"] and deleted["reactions"] == []
    refused = react(client, ada, message["id"], "👍")
    assert refused.status_code == 409 and refused.get_json()["code"] == "message_deleted"


def test_a_reaction_moves_the_message_into_sync(world_with):
    world = world_with(SYNC_SETTLE_MS=0)
    client, me, ada = world.client, world.person(), world.person()
    message = world.say(me, world.chat(me, ada))
    time.sleep(0.002)
    cursor = client.get("/messages/sync", headers=ada.headers).get_json()["nextCursor"]
    react(client, me, message["id"], "🔥")
    changes = client.get(f"/messages/sync?since={cursor}", headers=ada.headers).get_json()
    assert [(m["id"], [r["emoji"] for r in m["reactions"]]) for m in changes["messages"]] == [(message["id"], ["🔥"])]
