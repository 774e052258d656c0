"""Contact sync and start-chat: contacts may chat at once, anyone else needs a request."""
from support.people import Person, next_phone, register_on


def test_sync_normalises_mixed_formats_and_returns_registered_users_with_saved_names(client, person):
    me = person("Me")
    ada, bob = person("Ada"), person("Bob")
    local = ada.phone.removeprefix("+1")  # a US number without country code, as saved in a US phone
    dotted = f"({bob.phone[2:5]}) {bob.phone[5:8]}.{bob.phone[8:]}"
    response = client.post("/contacts/sync", headers=me.headers, json={"contacts": [
        {"phone": local, "name": "Ada from work"},
        {"phone": dotted, "name": "Bobby"},
        {"phone": f"1-{bob.phone[2:5]}-{bob.phone[5:8]}-{bob.phone[8:]}", "name": "Bob again"},
        {"phone": next_phone(), "name": "Not registered"},
        {"phone": "12", "name": "Broken"},
    ]})
    assert response.status_code == 200
    body = response.get_json()
    saved = {u["id"]: u["contactName"] for u in body["users"]}
    assert saved == {ada.id: "Ada from work", bob.id: "Bobby"}
    assert (body["received"], body["saved"], body["invalid"], body["registered"]) == (5, 3, 1, 2)
    assert {u["phone"] for u in body["users"]} == {ada.phone, bob.phone}


def test_local_numbers_are_read_in_the_callers_own_country(client, person):
    """DEFAULT_REGION is US, but a French caller's "06 …" is a French number."""
    french_friend = person("Fr", phone="+33612340001")
    french_caller = person("Caller", phone="+33612340002")
    response = client.post("/contacts/sync", headers=french_caller.headers, json={"phones": ["06 12 34 00 01"]})
    assert [u["id"] for u in response.get_json()["users"]] == [french_friend.id]


def test_bare_phones_list_is_accepted(client, person):
    me, ada = person("Me"), person("Ada")
    response = client.post("/contacts/sync", headers=me.headers, json={"phones": [ada.phone]})
    assert [u["id"] for u in response.get_json()["users"]] == [ada.id]


def test_each_sync_replaces_the_address_book(client, person):
    me, ada = person("Me"), person("Ada")
    client.post("/contacts/sync", headers=me.headers, json={"phones": [ada.phone]})
    assert client.post("/contacts/start-chat", headers=me.headers, json={"userId": ada.id}).status_code == 201
    other = person("Other")
    client.post("/contacts/sync", headers=me.headers, json={"phones": []})
    refused = client.post("/contacts/start-chat", headers=me.headers, json={"userId": other.id})
    assert refused.status_code == 403


def test_sync_is_limited(make_app, otp_inbox):
    client = make_app(use_redis=False, CONTACT_SYNC_MAX=3).test_client()
    me = Person(register_on(client, otp_inbox))
    response = client.post("/contacts/sync", headers=me.headers, json={"phones": [next_phone() for _ in range(4)]})
    assert response.status_code == 400
    assert "contacts" in response.get_json()["details"]


def test_sync_refuses_bad_shapes(client, person):
    me = person()
    for body in [{}, {"phones": "x"}, {"contacts": [{"name": "no phone"}]}, {"contacts": [{"phone": {"$ne": 1}}]},
                 {"phones": [1, 2]}, {"contacts": "all"}]:
        assert client.post("/contacts/sync", headers=me.headers, json=body).status_code == 400, body


def test_start_chat_with_a_contact_by_id_or_phone_is_idempotent(client, person, befriend):
    me, ada = person("Me"), person("Ada")
    befriend(me, ada)
    first = client.post("/contacts/start-chat", headers=me.headers, json={"userId": ada.id})
    assert first.status_code == 201
    again = client.post("/contacts/start-chat", headers=me.headers, json={"phone": ada.phone.removeprefix("+1")})
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert {p["id"] for p in first.get_json()["participants"]} == {me.id, ada.id}


def test_start_chat_with_a_stranger_needs_a_chat_request(client, person):
    me, stranger = person("Me"), person("Stranger")
    response = client.post("/contacts/start-chat", headers=me.headers, json={"userId": stranger.id})
    assert response.status_code == 403
    assert response.get_json()["code"] == "chat_request_required"


def test_start_chat_with_unknown_phone_or_self_is_refused(client, person):
    me = person()
    assert client.post("/contacts/start-chat", headers=me.headers, json={"phone": next_phone()}).status_code == 404
    assert client.post("/contacts/start-chat", headers=me.headers, json={"userId": me.id}).status_code == 400
    assert client.post("/contacts/start-chat", headers=me.headers, json={}).status_code == 400
