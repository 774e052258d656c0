"""Direct and group conversations."""
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from support.people import Person, register_on

ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def create(client, who, **body):
    return client.post("/conversations", headers=who.headers, json=body)


def test_direct_conversation_json_carries_both_apps_fields(client, person, befriend):
    me, ada = person("Me"), person("Ada")
    befriend(me, ada)
    response = create(client, me, participants=[ada.id])
    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] == body["_id"] and body["type"] == "direct"
    assert body["participants"] == body["members"]
    assert {p["id"] for p in body["participants"]} == {me.id, ada.id}
    assert "phone" not in body["participants"][0]
    assert body["participantKey"] == ":".join(sorted([me.id, ada.id]))
    assert body["lastMessage"] is None and body["unreadCount"] == 0
    assert body["deliveredUpTo"] == {} and body["readUpTo"] == {}
    assert body["createdBy"] == me.id
    assert ISO_MS_Z.match(body["createdAt"]) and ISO_MS_Z.match(body["updatedAt"])


def test_direct_conversation_is_idempotent_from_both_sides_and_both_field_names(client, person, befriend):
    me, ada = person("Me"), person("Ada")
    befriend(me, ada)
    first = create(client, me, participants=[ada.id])
    again = create(client, me, members=[ada.id], type="direct")
    with_self = create(client, me, participants=[me.id, ada.id])
    from_ada = create(client, ada, members=[me.id])  # the chat exists: no request needed
    assert first.status_code == 201
    assert [r.status_code for r in (again, with_self, from_ada)] == [200, 200, 200]
    assert len({r.get_json()["id"] for r in (first, again, with_self, from_ada)}) == 1


def test_direct_conversation_with_a_stranger_needs_a_request(client, person):
    me, stranger = person("Me"), person("Stranger")
    response = create(client, me, participants=[stranger.id])
    assert response.status_code == 403
    assert response.get_json()["code"] == "chat_request_required"


def test_bad_conversation_bodies_are_400(client, person, befriend):
    me, ada, bob = person(), person(), person()
    befriend(me, ada, bob)
    for body in [{}, {"participants": []}, {"participants": "x"}, {"participants": ["nope"]},
                 {"participants": [ada.id, bob.id], "type": "direct"}, {"participants": [ada.id], "type": "channel"},
                 {"participants": [ada.id, bob.id]}, {"participants": [ada.id], "members": [bob.id]},
                 {"participants": [{"$ne": None}]}]:
        assert create(client, me, **body).status_code == 400, body
    assert create(client, me, participants=["0" * 24]).status_code == 404


def test_listing_is_most_recent_first_and_paginated(client, person, befriend):
    me, ada, bob, cy = person("Me"), person("Ada"), person("Bob"), person("Cy")
    befriend(me, ada, bob, cy)
    ids = [create(client, me, participants=[other.id]).get_json()["id"] for other in (ada, bob, cy)]
    page = client.get("/conversations?limit=2", headers=me.headers).get_json()
    assert [c["id"] for c in page["conversations"]] == [ids[2], ids[1]]
    assert page["pagination"] == {"page": 1, "limit": 2, "total": 3, "hasMore": True}
    second = client.get("/conversations?limit=2&page=2", headers=me.headers).get_json()
    assert [c["id"] for c in second["conversations"]] == [ids[0]]
    assert client.get("/conversations", headers=ada.headers).get_json()["pagination"]["total"] == 1


def test_non_participants_get_404_never_403(client, person, befriend):
    me, ada, outsider = person(), person(), person()
    befriend(me, ada)
    conversation = create(client, me, participants=[ada.id]).get_json()
    for path in [f"/conversations/{conversation['id']}", "/conversations/" + "0" * 24, "/conversations/nope"]:
        response = client.get(path, headers=outsider.headers)
        assert response.status_code == 404, path
        assert response.get_json()["code"] == "conversation_not_found"
    assert client.get(f"/conversations/{conversation['id']}", headers=ada.headers).status_code == 200


@pytest.fixture
def group(client, person):
    admin, alice, bob, outsider = person("Admin"), person("Alice"), person("Bob"), person("Outsider")
    response = create(client, admin, type="group", name=" Team ", members=[alice.id, bob.id], avatarUrl="https://x.example/g.png")
    assert response.status_code == 201
    return response.get_json(), admin, alice, bob, outsider


def test_group_creation(group):
    body, admin, alice, bob, _ = group
    assert body["type"] == "group" and body["name"] == "Team"
    assert [p["id"] for p in body["participants"]] == [admin.id, alice.id, bob.id]
    assert body["admins"] == [admin.id] and body["participantKey"] is None
    assert body["avatar"] == body["avatarUrl"] == "https://x.example/g.png"


def test_group_needs_a_name(client, person):
    me, ada = person(), person()
    assert create(client, me, type="group", participants=[ada.id]).status_code == 400
    assert create(client, me, type="group", name="  ", participants=[ada.id]).status_code == 400


def test_group_size_limit(make_app, otp_inbox):
    client = make_app(use_redis=False, GROUP_MAX_MEMBERS=3).test_client()
    admin, a, b, c = (Person(register_on(client, otp_inbox)) for _ in range(4))
    too_big = create(client, admin, type="group", name="G", participants=[a.id, b.id, c.id])
    assert too_big.status_code == 400 and too_big.get_json()["code"] == "group_too_large"
    group = create(client, admin, type="group", name="G", participants=[a.id, b.id]).get_json()
    full = client.post(f"/conversations/{group['id']}/members", headers=admin.headers, json={"userIds": [c.id]})
    assert full.status_code == 400 and full.get_json()["code"] == "group_too_large"


def test_only_admins_rename_and_add_members(client, group):
    body, admin, alice, bob, outsider = group
    path = f"/conversations/{body['id']}"
    refused = client.patch(path, headers=alice.headers, json={"name": "Mine"})
    assert refused.status_code == 403 and refused.get_json()["code"] == "admin_required"
    assert client.patch(path, headers=outsider.headers, json={"name": "Mine"}).status_code == 404
    renamed = client.patch(path, headers=admin.headers, json={"name": "Renamed", "avatar": None}).get_json()
    assert renamed["name"] == "Renamed" and renamed["avatar"] is None

    assert client.post(f"{path}/members", headers=alice.headers, json={"userIds": [outsider.id]}).status_code == 403
    added = client.post(f"{path}/members", headers=admin.headers, json={"members": [outsider.id, alice.id]})
    assert added.status_code == 200
    assert [p["id"] for p in added.get_json()["participants"]] == [admin.id, alice.id, bob.id, outsider.id]


def test_members_leave_and_admins_remove(client, group):
    body, admin, alice, bob, outsider = group
    path = f"/conversations/{body['id']}/members"
    assert client.delete(f"{path}/{bob.id}", headers=alice.headers).status_code == 403
    left = client.delete(f"{path}/{alice.id}", headers=alice.headers)
    assert left.status_code == 200
    assert client.get(f"/conversations/{body['id']}", headers=alice.headers).status_code == 404
    removed = client.delete(f"{path}/{bob.id}", headers=admin.headers).get_json()
    assert [p["id"] for p in removed["participants"]] == [admin.id]
    assert client.delete(f"{path}/{outsider.id}", headers=admin.headers).status_code == 404


def test_last_admin_leaving_hands_admin_to_the_oldest_member(client, group):
    body, admin, alice, bob, _ = group
    client.delete(f"/conversations/{body['id']}/members/{admin.id}", headers=admin.headers)
    after = client.get(f"/conversations/{body['id']}", headers=bob.headers).get_json()
    assert after["admins"] == [alice.id]
    assert client.patch(f"/conversations/{body['id']}", headers=alice.headers, json={"name": "Alice's"}).status_code == 200


def test_admin_promotion_and_demotion(client, group):
    body, admin, alice, bob, outsider = group
    path = f"/conversations/{body['id']}/admins"
    assert client.post(f"{path}/{alice.id}", headers=bob.headers).status_code == 403
    assert client.post(f"{path}/{outsider.id}", headers=admin.headers).status_code == 404
    promoted = client.post(f"{path}/{alice.id}", headers=admin.headers).get_json()
    assert promoted["admins"] == [admin.id, alice.id]
    demoted = client.delete(f"{path}/{admin.id}", headers=alice.headers).get_json()
    assert demoted["admins"] == [alice.id]
    last = client.delete(f"{path}/{alice.id}", headers=alice.headers)
    assert last.status_code == 409 and last.get_json()["code"] == "last_admin"


def test_group_routes_refuse_direct_conversations(client, person, befriend):
    me, ada = person(), person()
    befriend(me, ada)
    direct = create(client, me, participants=[ada.id]).get_json()
    for method, path in [("patch", ""), ("delete", f"/members/{ada.id}"), ("post", f"/admins/{ada.id}")]:
        response = getattr(client, method)(f"/conversations/{direct['id']}{path}", headers=me.headers, json={"name": "x"})
        assert response.status_code == 400 and response.get_json()["code"] == "not_a_group"


def test_simultaneous_creation_from_both_sides_makes_one_conversation(live_server, module_webhook):
    me, ada = live_server.register(module_webhook, "Me"), live_server.register(module_webhook, "Ada")
    for owner, other in ((me, ada), (ada, me)):
        requests.post(f"{live_server.base}/contacts/sync", headers=owner.headers, json={"phones": [other.phone]})

    def attempt(number):
        caller, other = (me, ada) if number % 2 else (ada, me)
        field = "participants" if number % 3 else "members"
        return requests.post(f"{live_server.base}/conversations", headers=caller.headers, json={field: [other.id]})

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(attempt, range(20)))
    assert sorted(r.status_code for r in responses) == [200] * 19 + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    listed = requests.get(f"{live_server.base}/conversations", headers=me.headers).json()
    assert listed["pagination"]["total"] == 1
