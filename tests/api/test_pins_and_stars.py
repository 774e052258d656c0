"""Pinned messages (per conversation, for everyone in it) and stars (per user, for themselves)."""


def group_of(client, owner, *members, **fields):
    response = client.post("/conversations", headers=owner.headers,
                           json={"participants": [m.id for m in members], "name": "Team", **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_pins_are_shared_bounded_and_listed_oldest_first(world_with):
    world = world_with(PINS_MAX=2)
    client, me, ada = world.client, world.person(), world.person()
    conversation_id = world.chat(me, ada)
    first, second, third = (world.say(me, conversation_id, text) for text in ("one", "two", "three"))
    assert client.put(f"/messages/{first['id']}/pin", headers=ada.headers).status_code == 200
    pins = client.put(f"/messages/{second['id']}/pin", headers=me.headers).get_json()
    assert [(p["messageId"], p["pinnedBy"]) for p in pins["pins"]] == [(first["id"], ada.id), (second["id"], me.id)]
    assert client.put(f"/messages/{second['id']}/pin", headers=me.headers).status_code == 200  # again: no change
    full = client.put(f"/messages/{third['id']}/pin", headers=me.headers)
    assert full.status_code == 409 and full.get_json()["code"] == "too_many_pins"
    listed = client.get(f"/conversations/{conversation_id}/pins", headers=ada.headers).get_json()["messages"]
    assert [m["text"] for m in listed] == ["one", "two"]
    assert client.delete(f"/messages/{first['id']}/pin", headers=me.headers).get_json()["pins"][0]["messageId"] == \
        second["id"]
    conversation = client.get(f"/conversations/{conversation_id}", headers=ada.headers).get_json()
    assert [p["messageId"] for p in conversation["pins"]] == [second["id"]]


def test_deleting_a_pinned_message_unpins_it(client, person, chat, say):
    me, ada = person(), person()
    conversation_id = chat(me, ada)
    message = say(me, conversation_id)
    client.put(f"/messages/{message['id']}/pin", headers=me.headers)
    client.delete(f"/messages/{message['id']}", headers=me.headers)
    assert client.get(f"/conversations/{conversation_id}/pins", headers=me.headers).get_json()["messages"] == []
    assert client.put(f"/messages/{message['id']}/pin", headers=me.headers).status_code == 409


def test_a_group_may_keep_pins_to_its_admins(client, person, befriend):
    me, ada, bob = person(), person(), person()
    befriend(me, ada, bob)
    group_id = group_of(client, me, ada, bob)
    message = client.post("/messages", headers=ada.headers, json={"conversationId": group_id, "text": "x"}).get_json()
    assert client.put(f"/messages/{message['id']}/pin", headers=ada.headers).status_code == 200
    admins_only = client.patch(f"/conversations/{group_id}", headers=me.headers, json={"onlyAdminsCanPin": True})
    assert admins_only.status_code == 200
    refused = client.delete(f"/messages/{message['id']}/pin", headers=ada.headers)
    assert refused.status_code == 403 and refused.get_json()["code"] == "admin_required"
    assert client.delete(f"/messages/{message['id']}/pin", headers=me.headers).get_json()["pins"] == []
    outsider = person()
    assert client.put(f"/messages/{message['id']}/pin", headers=outsider.headers).status_code == 404
    assert client.get(f"/conversations/{group_id}/pins", headers=outsider.headers).status_code == 404


def test_stars_are_each_users_own_and_paged_newest_first(client, person, chat, say):
    me, ada = person(), person()
    conversation_id = chat(me, ada)
    messages = [say(ada, conversation_id, f"m{i}") for i in range(5)]
    for message in messages:
        assert client.put(f"/messages/{message['id']}/star", headers=me.headers).get_json() == {
            "messageId": message["id"], "starred": True}
    client.put(f"/messages/{messages[0]['id']}/star", headers=me.headers)  # twice: one star
    assert client.get("/messages/starred", headers=ada.headers).get_json()["messages"] == []
    first = client.get("/messages/starred?limit=3", headers=me.headers).get_json()
    assert [m["text"] for m in first["messages"]] == ["m4", "m3", "m2"] and first["pagination"]["hasMore"]
    assert first["messages"][0]["starredAt"].endswith("Z")
    rest = client.get(f"/messages/starred?limit=3&before={first['pagination']['nextCursor']}", headers=me.headers)
    assert [m["text"] for m in rest.get_json()["messages"]] == ["m1", "m0"]
    assert client.delete(f"/messages/{messages[4]['id']}/star", headers=me.headers).get_json()["starred"] is False
    assert len(client.get("/messages/starred", headers=me.headers).get_json()["messages"]) == 4


def test_stars_of_messages_the_user_can_no_longer_see_stay_out_of_the_list(client, person, befriend):
    me, ada, bob = person(), person(), person()
    befriend(me, ada, bob)
    group_id = group_of(client, me, ada, bob)
    kept, deleted, hidden = (client.post("/messages", headers=me.headers,
                                         json={"conversationId": group_id, "text": t}).get_json()
                             for t in ("kept", "deleted", "hidden"))
    for message in (kept, deleted, hidden):
        client.put(f"/messages/{message['id']}/star", headers=ada.headers)
    client.delete(f"/messages/{deleted['id']}", headers=me.headers)
    client.delete(f"/messages/{hidden['id']}?scope=me", headers=ada.headers)
    assert [m["text"] for m in client.get("/messages/starred", headers=ada.headers).get_json()["messages"]] == ["kept"]
    client.delete(f"/conversations/{group_id}/members/{ada.id}", headers=ada.headers)
    assert client.get("/messages/starred", headers=ada.headers).get_json()["messages"] == []
    assert client.put(f"/messages/{kept['id']}/star", headers=ada.headers).status_code == 404
