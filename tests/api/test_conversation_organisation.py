"""Each user's own organisation of their chats: archive, pin to the top, mark unread, clear history."""


def settings(client, who, conversation_id, **changes):
    response = client.patch(f"/conversations/{conversation_id}/settings", headers=who.headers, json=changes)
    return response


def listed(client, who, **query):
    response = client.get("/conversations", headers=who.headers, query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["conversations"]


def test_pinned_chats_come_first_latest_pin_first_and_are_bounded(world_with):
    world = world_with(PINNED_CHATS_MAX=2)
    client, me = world.client, world.person("Me")
    chats = [world.chat(me, world.person(f"P{i}")) for i in range(4)]
    for conversation_id in chats:
        world.say(me, conversation_id)
    assert [c["id"] for c in listed(client, me)] == chats[::-1]
    assert settings(client, me, chats[0], pinned=True).get_json()["pinned"] is True
    settings(client, me, chats[1], pinned=True)
    order = listed(client, me)
    assert [c["id"] for c in order] == [chats[1], chats[0], chats[3], chats[2]]
    assert [c["pinned"] for c in order] == [True, True, False, False]
    full = settings(client, me, chats[2], pinned=True)
    assert full.status_code == 409 and full.get_json()["code"] == "too_many_pinned_chats"
    assert settings(client, me, chats[1], pinned=True).status_code == 200  # pinned already: fine
    settings(client, me, chats[0], pinned=False)
    assert [c["id"] for c in listed(client, me)][:2] == [chats[1], chats[3]]


def test_archived_chats_can_be_left_out_or_listed_alone(client, person, chat, say):
    me, ada, bob = person(), person(), person()
    with_ada, with_bob = chat(me, ada), chat(me, bob)
    reply = settings(client, me, with_ada, archived=True).get_json()
    assert reply["archived"] is True and reply["conversationId"] == with_ada
    say(ada, with_ada, "still archived after this")
    assert [c["id"] for c in listed(client, me, archived="false")] == [with_bob]
    assert [c["id"] for c in listed(client, me, archived="true")] == [with_ada]
    assert {c["id"]: c["archived"] for c in listed(client, me)} == {with_ada: True, with_bob: False}
    assert [c["archived"] for c in listed(client, ada)] == [False]  # only for the one who archived it
    settings(client, me, with_ada, archived=False)
    assert listed(client, me, archived="true") == []


def test_marked_unread_lasts_until_the_chat_is_read(client, person, chat, say):
    me, ada = person(), person()
    conversation_id = chat(me, ada)
    say(ada, conversation_id)
    client.post(f"/conversations/{conversation_id}/read", headers=me.headers, json={})
    assert settings(client, me, conversation_id, markedUnread=True).get_json()["markedUnread"] is True
    assert listed(client, me)[0]["markedUnread"] is True
    client.post(f"/conversations/{conversation_id}/read", headers=me.headers, json={})
    assert listed(client, me)[0]["markedUnread"] is False


def test_clearing_history_hides_everything_until_now_for_the_caller_only(client, person, chat, say):
    me, ada = person(), person()
    conversation_id = chat(me, ada)
    old = say(ada, conversation_id, "old")
    cleared = settings(client, me, conversation_id, clearHistory=True).get_json()
    assert cleared["clearedAt"].endswith("Z")
    page = client.get(f"/messages?conversationId={conversation_id}", headers=me.headers).get_json()
    assert page["messages"] == []
    conversation = listed(client, me)[0]
    assert conversation["lastMessage"] is None and conversation["unreadCount"] == 0 and conversation["clearedAt"]
    assert client.patch(f"/messages/{old['id']}", headers=ada.headers, json={"text": "x"}).status_code == 200
    assert client.put(f"/messages/{old['id']}/star", headers=me.headers).status_code == 404
    reply = client.post("/messages", headers=me.headers,
                        json={"conversationId": conversation_id, "text": "re", "replyTo": old["id"]})
    assert reply.status_code == 400 and reply.get_json()["code"] == "invalid_reply"
    new = say(ada, conversation_id, "new")
    page = client.get(f"/messages?conversationId={conversation_id}", headers=me.headers).get_json()
    assert [m["id"] for m in page["messages"]] == [new["id"]]
    assert listed(client, me)[0]["unreadCount"] == 1
    page = client.get(f"/messages?conversationId={conversation_id}", headers=ada.headers).get_json()
    assert len(page["messages"]) == 2


def test_settings_come_back_with_every_field_and_refuse_bad_values(client, person, chat):
    me, ada, eve = person(), person(), person()
    conversation_id = chat(me, ada)
    reply = settings(client, me, conversation_id, mutedUntil="forever", archived=True).get_json()
    assert set(reply) == {"conversationId", "mutedUntil", "muted", "archived", "pinned", "pinnedAt", "markedUnread",
                          "clearedAt"}
    assert reply["muted"] and reply["archived"] and not reply["pinned"] and reply["clearedAt"] is None
    assert settings(client, me, conversation_id, mutedUntil=None).get_json()["archived"] is True  # one at a time
    for body in [{"archived": "yes"}, {"pinned": "1"}, {"clearHistory": "true"}, {"colour": "red"},
                 {"markedUnread": None}]:
        assert settings(client, me, conversation_id, **body).status_code == 400, body
    assert settings(client, eve, conversation_id, archived=True).status_code == 404
