"""A block hides the two users from each other in every path."""
import pytest


@pytest.fixture
def pair(client, person, befriend):
    """Two users who are each other's contacts; the first blocks the second."""
    blocker, blocked = person("Blocker Bea"), person("Blocked Bo")
    befriend(blocker, blocked)
    befriend(blocked, blocker)
    assert client.post(f"/users/{blocked.id}/block", headers=blocker.headers).status_code == 200
    return blocker, blocked


def test_blocked_users_are_listed_for_the_blocker(client, pair):
    blocker, blocked = pair
    listed = client.get("/users/blocked", headers=blocker.headers).get_json()["users"]
    assert [u["id"] for u in listed] == [blocked.id]
    assert client.get("/users/blocked", headers=blocked.headers).get_json()["users"] == []


def test_neither_can_find_the_other(client, pair):
    blocker, blocked = pair
    assert client.get("/users?q=Blocker", headers=blocked.headers).get_json()["users"] == []
    assert client.get("/users?q=Blocked", headers=blocker.headers).get_json()["users"] == []
    assert client.get(f"/users/{blocker.id}", headers=blocked.headers).status_code == 404
    assert client.get(f"/users/{blocked.id}", headers=blocker.headers).status_code == 404


def test_contact_sync_does_not_reveal_a_blocker(client, pair):
    blocker, blocked = pair
    response = client.post("/contacts/sync", headers=blocked.headers, json={"phones": [blocker.phone]})
    assert response.get_json()["users"] == []


def test_blocked_user_cannot_start_a_chat_or_request_one(client, pair):
    blocker, blocked = pair
    for path, body in [("/contacts/start-chat", {"userId": blocker.id}), ("/conversations", {"participants": [blocker.id]}),
                       ("/chat-requests", {"to": blocker.id})]:
        response = client.post(path, headers=blocked.headers, json=body)
        assert response.status_code == 404, path
        assert response.get_json()["code"] == "user_not_found"


def test_blocked_user_cannot_be_added_to_the_blockers_group(client, pair, person):
    blocker, blocked = pair
    third = person("Third")
    response = client.post("/conversations", headers=blocker.headers,
                           json={"type": "group", "name": "G", "participants": [third.id, blocked.id]})
    assert response.status_code == 404


def test_unblocking_restores_everything(client, pair):
    blocker, blocked = pair
    assert client.delete(f"/users/{blocked.id}/block", headers=blocker.headers).status_code == 200
    assert client.get(f"/users/{blocker.id}", headers=blocked.headers).status_code == 200
    assert client.post("/contacts/start-chat", headers=blocked.headers, json={"userId": blocker.id}).status_code == 201


def test_blocking_twice_is_harmless_and_self_block_is_refused(client, pair):
    blocker, blocked = pair
    assert client.post(f"/users/{blocked.id}/block", headers=blocker.headers).status_code == 404  # already hidden
    assert client.post(f"/users/{blocker.id}/block", headers=blocker.headers).status_code == 400
    assert [u["id"] for u in client.get("/users/blocked", headers=blocker.headers).get_json()["users"]] == [blocked.id]
