"""Finding people and editing one's own profile."""
from support.people import bearer

PUBLIC_FIELDS = {"id", "_id", "name", "avatar", "avatarUrl", "about", "lastSeen", "online"}


def test_search_finds_by_name_and_phone_and_excludes_the_caller(client, person):
    me = person("Searcher Zed")
    ada = person("Ada Lovelace")
    person("Grace Hopper")

    by_name = client.get("/users?q=lovel", headers=me.headers).get_json()
    assert [u["id"] for u in by_name["users"]] == [ada.id]
    by_phone = client.get(f"/users?q={ada.phone[-7:]}", headers=me.headers).get_json()
    assert ada.id in [u["id"] for u in by_phone["users"]]
    own = client.get("/users?q=Searcher", headers=me.headers).get_json()
    assert own["users"] == []


def test_search_returns_public_profiles_only(client, person):
    me = person("Me")
    person("Visible Person", email="private@example.com", password="secret-pass")
    users = client.get("/users?q=Visible", headers=me.headers).get_json()["users"]
    assert len(users) == 1
    assert set(users[0]) == PUBLIC_FIELDS


def test_search_is_paginated(client, person):
    me = person("Me")
    for number in range(5):
        person(f"Paged {number}")
    first = client.get("/users?q=Paged&limit=2&page=1", headers=me.headers).get_json()
    third = client.get("/users?q=Paged&limit=2&page=3", headers=me.headers).get_json()
    assert [u["name"] for u in first["users"]] == ["Paged 0", "Paged 1"]
    assert first["pagination"] == {"page": 1, "limit": 2, "total": 5, "hasMore": True}
    assert [u["name"] for u in third["users"]] == ["Paged 4"]
    assert third["pagination"]["hasMore"] is False


def test_search_query_is_literal_text_not_a_pattern(client, person):
    me = person("Me")
    person("Plain")
    for query in [".*", "(a+)+$", "[", "\\"]:
        response = client.get("/users", query_string={"q": query}, headers=me.headers)
        assert response.status_code == 200
        assert response.get_json()["users"] == []


def test_bad_search_parameters_are_400(client, person):
    me = person()
    for query in ["limit=0", "limit=101", "page=0", "page=x", "q=" + "a" * 65, "unknown=1"]:
        assert client.get(f"/users?{query}", headers=me.headers).status_code == 400, query


def test_public_profile_of_another_user(client, person):
    me, other = person("Me"), person("Other")
    response = client.get(f"/users/{other.id}", headers=me.headers)
    assert response.status_code == 200
    assert set(response.get_json()) == PUBLIC_FIELDS
    for missing in ["0" * 24, "nope"]:
        assert client.get(f"/users/{missing}", headers=me.headers).status_code == 404


def test_profile_update_accepts_both_avatar_names(client, person):
    me = person("Before")
    response = client.patch("/users/me", headers=me.headers, json={
        "name": "After", "about": "Hello", "avatarUrl": "https://cdn.example.com/a.png", "email": "New@Example.com",
    })
    assert response.status_code == 200
    body = response.get_json()
    assert (body["name"], body["about"], body["email"]) == ("After", "Hello", "new@example.com")
    assert body["avatar"] == body["avatarUrl"] == "https://cdn.example.com/a.png"
    assert client.get("/users/profile", headers=me.headers).get_json()["name"] == "After"
    cleared = client.patch("/users/me", headers=me.headers, json={"avatar": None}).get_json()
    assert cleared["avatar"] is None


def test_profile_update_refuses_bad_values(client, person):
    me = person()
    for body in [{"name": ""}, {"avatar": "javascript:alert(1)"}, {"email": "not-an-email"}, {"phone": "+14155550000"},
                 {"name": {"$set": "x"}}]:
        assert client.patch("/users/me", headers=me.headers, json=body).status_code == 400, body


def test_email_already_used_is_409(client, person):
    person(email="one@example.com")
    me = person()
    response = client.patch("/users/me", headers=me.headers, json={"email": "ONE@example.com"})
    assert response.status_code == 409


def test_password_change_needs_the_current_password_and_signs_out_other_devices(client, person):
    me = person(password="first-password")
    other_device = client.post("/auth/login", json={"phone": me.phone, "password": "first-password"}).get_json()

    missing = client.patch("/users/me", headers=me.headers, json={"password": "second-password"})
    assert missing.status_code == 400 and missing.get_json()["code"] == "invalid_current_password"
    wrong = client.patch("/users/me", headers=me.headers, json={"password": "second-password", "currentPassword": "nope"})
    assert wrong.status_code == 400

    changed = client.patch("/users/me", headers=me.headers,
                           json={"password": "second-password", "currentPassword": "first-password"})
    assert changed.status_code == 200
    assert client.get("/users/profile", headers=me.headers).status_code == 200
    assert client.get("/users/profile", headers=bearer(other_device["token"])).status_code == 401
    assert client.post("/auth/login", json={"phone": me.phone, "password": "second-password"}).status_code == 200
    assert client.post("/auth/login", json={"phone": me.phone, "password": "first-password"}).status_code == 401


def test_user_without_password_may_set_one(client, person):
    me = person()
    assert client.patch("/users/me", headers=me.headers, json={"password": "brand-new-pass"}).status_code == 200
    assert client.post("/auth/login", json={"phone": me.phone, "password": "brand-new-pass"}).status_code == 200
