"""Groups: invite links, announcement groups, descriptions, and a system line for every change."""


def make_group(client, owner, *members, **fields):
    response = client.post("/conversations", headers=owner.headers,
                           json={"participants": [m.id for m in members], "name": "Team", "type": "group", **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def history(client, who, conversation_id):
    response = client.get(f"/messages?conversationId={conversation_id}", headers=who.headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["messages"][::-1]


def test_every_membership_and_settings_change_is_a_line_in_the_chat(client, person, befriend):
    alice, bob, carol, dan = person("Alice"), person("Bob"), person("Carol"), person("Dan")
    befriend(alice, bob, carol, dan)
    group = make_group(client, alice, bob, description="Weekly sync")
    assert group["description"] == "Weekly sync" and group["onlyAdminsCanSend"] is False
    gid = group["id"]
    client.post(f"/conversations/{gid}/members", headers=alice.headers, json={"members": [carol.id, dan.id]})
    client.post(f"/conversations/{gid}/admins/{bob.id}", headers=alice.headers)
    client.post(f"/conversations/{gid}/admins/{bob.id}", headers=alice.headers)  # admin already: no line
    client.patch(f"/conversations/{gid}", headers=bob.headers, json={"name": "Team 2", "description": "Daily"})
    client.patch(f"/conversations/{gid}", headers=bob.headers, json={"name": "Team 2"})  # no change: no line
    client.delete(f"/conversations/{gid}/members/{dan.id}", headers=alice.headers)
    client.delete(f"/conversations/{gid}/admins/{bob.id}", headers=alice.headers)
    client.delete(f"/conversations/{gid}/members/{carol.id}", headers=carol.headers)
    lines = history(client, bob, gid)
    assert [m["text"] for m in lines] == [
        "Alice created the group", "Alice added Carol and Dan", "Alice made Bob an admin",
        "Bob changed the group name and the group description", "Alice removed Dan", "Alice removed Bob as an admin",
        "Carol left"]
    assert all(m["type"] == "system" for m in lines)
    assert lines[1]["system"] == {"action": "members_added", "actorId": alice.id, "userIds": [carol.id, dan.id],
                                  "changes": []}
    assert lines[3]["system"]["changes"] == ["name", "description"]
    assert client.get("/conversations", headers=bob.headers).get_json()["conversations"][0]["unreadCount"] == 0
    assert client.patch(f"/messages/{lines[0]['id']}", headers=alice.headers, json={"text": "x"}).status_code == 403


def test_announcement_groups_take_messages_from_admins_only(client, person, befriend):
    alice, bob = person("Alice"), person("Bob")
    befriend(alice, bob)
    gid = make_group(client, alice, bob)["id"]
    not_admin = client.patch(f"/conversations/{gid}", headers=bob.headers, json={"onlyAdminsCanSend": True})
    assert not_admin.status_code == 403
    updated = client.patch(f"/conversations/{gid}", headers=alice.headers, json={"onlyAdminsCanSend": True})
    assert updated.get_json()["onlyAdminsCanSend"] is True
    refused = client.post("/messages", headers=bob.headers, json={"conversationId": gid, "text": "hi"})
    assert refused.status_code == 403 and refused.get_json()["code"] == "admins_only_send"
    news = client.post("/messages", headers=alice.headers, json={"conversationId": gid, "text": "news"})
    assert news.status_code == 201
    assert [m["text"] for m in history(client, bob, gid)][-2:] == ["Alice changed who can send messages", "news"]


def test_an_invite_link_previews_and_joins_until_it_is_revoked(client, person, befriend):
    alice, bob, carol, dan = person("Alice"), person("Bob"), person("Carol"), person("Dan")
    befriend(alice, bob)
    gid = make_group(client, alice, bob, description="About us")["id"]
    refused = client.post(f"/conversations/{gid}/invite-link", headers=bob.headers)
    assert refused.status_code == 403 and refused.get_json()["code"] == "admin_required"
    link = client.post(f"/conversations/{gid}/invite-link", headers=alice.headers)
    assert link.status_code == 201
    token = link.get_json()["token"]
    assert link.get_json()["url"].endswith(f"/invite/{token}") and len(token) >= 20
    assert client.get(f"/conversations/{gid}/invite-link", headers=alice.headers).get_json()["token"] == token
    preview = client.get(f"/invite/{token}", headers=carol.headers).get_json()
    assert preview == {"conversationId": gid, "name": "Team", "avatar": None, "avatarUrl": None,
                       "description": "About us", "memberCount": 2, "alreadyMember": False}
    joined = client.post(f"/invite/{token}/join", headers=carol.headers)
    assert joined.status_code == 200 and carol.id in [p["id"] for p in joined.get_json()["participants"]]
    assert client.post(f"/invite/{token}/join", headers=carol.headers).status_code == 200  # twice: no change
    assert [m["text"] for m in history(client, carol, gid)][-1] == "Carol joined using an invite link"
    assert client.get(f"/invite/{token}", headers=carol.headers).get_json()["alreadyMember"] is True
    renewed = client.post(f"/conversations/{gid}/invite-link", headers=alice.headers).get_json()["token"]
    for stale in (token, "x" * 22, "nope"):
        missing = client.get(f"/invite/{stale}", headers=dan.headers)
        assert missing.status_code == 404 and missing.get_json()["code"] == "invite_not_found"
        assert client.post(f"/invite/{stale}/join", headers=dan.headers).status_code == 404
    assert client.delete(f"/conversations/{gid}/invite-link", headers=alice.headers).get_json()["token"] is None
    assert client.post(f"/invite/{renewed}/join", headers=dan.headers).status_code == 404
    assert client.get(f"/invite/{renewed}").status_code == 401


def test_a_full_group_takes_nobody_by_link(world_with):
    world = world_with(GROUP_MAX_MEMBERS=2)
    client, alice, bob, carol = world.client, world.person("A"), world.person("B"), world.person("C")
    world.chat(alice, bob)
    gid = make_group(client, alice, bob)["id"]
    token = client.post(f"/conversations/{gid}/invite-link", headers=alice.headers).get_json()["token"]
    full = client.post(f"/invite/{token}/join", headers=carol.headers)
    assert full.status_code == 400 and full.get_json()["code"] == "group_too_large"


def test_invite_links_belong_to_groups_only(client, person, chat):
    me, ada = person(), person()
    direct = chat(me, ada)
    assert client.post(f"/conversations/{direct}/invite-link", headers=me.headers).get_json()["code"] == "not_a_group"
