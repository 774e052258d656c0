"""Chat requests: reaching someone outside your contacts."""


def send(client, sender, recipient, **extra):
    return client.post("/chat-requests", headers=sender.headers, json={"to": recipient.id, **extra})


def test_full_workflow_request_accept_then_chat(client, person):
    me, stranger = person("Me"), person("Stranger")
    sent = send(client, me, stranger, message="Hi, we met at the conference")
    assert sent.status_code == 201
    request = sent.get_json()
    assert (request["from"], request["sender"], request["to"]) == (me.id, me.id, stranger.id)
    assert request["status"] == "pending" and request["message"] == "Hi, we met at the conference"

    incoming = client.get("/chat-requests?direction=incoming", headers=stranger.headers).get_json()["requests"]
    assert [r["id"] for r in incoming] == [request["id"]]
    assert incoming[0]["user"]["id"] == me.id and "phone" not in incoming[0]["user"]
    assert incoming[0]["direction"] == "incoming"
    outgoing = client.get("/chat-requests?direction=outgoing", headers=me.headers).get_json()["requests"]
    assert [r["user"]["id"] for r in outgoing] == [stranger.id]

    accepted = client.post(f"/chat-requests/{request['id']}/accept", headers=stranger.headers)
    assert accepted.status_code == 200
    conversation = accepted.get_json()
    assert conversation["type"] == "direct"
    assert {p["id"] for p in conversation["participants"]} == {me.id, stranger.id}

    opened = client.post("/conversations", headers=me.headers, json={"participants": [stranger.id]})
    assert opened.status_code == 200 and opened.get_json()["id"] == conversation["id"]
    history = client.get("/chat-requests?status=accepted", headers=me.headers).get_json()["requests"]
    assert history[0]["conversationId"] == conversation["id"] and history[0]["respondedAt"].endswith("Z")


def test_second_request_for_the_pair_returns_the_same_one(client, person):
    me, stranger = person(), person()
    first = send(client, me, stranger).get_json()
    again = client.post("/chat-requests", headers=me.headers, json={"userId": stranger.id})
    assert again.status_code == 200 and again.get_json()["id"] == first["id"]


def test_asking_someone_who_already_asked_you_accepts_their_request(client, person):
    me, stranger = person(), person()
    theirs = send(client, stranger, me).get_json()
    mine = send(client, me, stranger)
    assert mine.status_code == 200
    assert mine.get_json()["id"] == theirs["id"] and mine.get_json()["status"] == "accepted"
    assert client.post("/conversations", headers=stranger.headers, json={"members": [me.id]}).status_code in (200, 201)


def test_reject_and_cancel(client, person):
    me, a, b = person(), person(), person()
    to_a = send(client, me, a).get_json()
    to_b = send(client, me, b).get_json()
    rejected = client.post(f"/chat-requests/{to_a['id']}/reject", headers=a.headers)
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    cancelled = client.delete(f"/chat-requests/{to_b['id']}", headers=me.headers)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert client.get("/chat-requests", headers=me.headers).get_json()["requests"] == []
    assert client.post("/conversations", headers=me.headers, json={"participants": [a.id]}).status_code == 403
    assert send(client, me, a).status_code == 201  # a rejected request may be sent again


def test_answering_twice_is_409(client, person):
    me, stranger = person(), person()
    request = send(client, me, stranger).get_json()
    assert client.post(f"/chat-requests/{request['id']}/accept", headers=stranger.headers).status_code == 200
    for action in ("accept", "reject"):
        again = client.post(f"/chat-requests/{request['id']}/{action}", headers=stranger.headers)
        assert again.status_code == 409 and again.get_json()["code"] == "chat_request_closed"
    assert client.delete(f"/chat-requests/{request['id']}", headers=me.headers).status_code == 409


def test_only_the_recipient_answers_and_only_the_sender_cancels(client, person):
    me, stranger, outsider = person(), person(), person()
    request = send(client, me, stranger).get_json()
    assert client.post(f"/chat-requests/{request['id']}/accept", headers=me.headers).status_code == 403
    assert client.delete(f"/chat-requests/{request['id']}", headers=stranger.headers).status_code == 403
    for action in ("accept", "reject"):
        assert client.post(f"/chat-requests/{request['id']}/{action}", headers=outsider.headers).status_code == 404
    assert client.delete(f"/chat-requests/{request['id']}", headers=outsider.headers).status_code == 404
    assert client.post("/chat-requests/nope/accept", headers=stranger.headers).status_code == 404


def test_requests_to_contacts_self_or_nobody_are_refused(client, person, befriend):
    me, friend = person(), person()
    befriend(me, friend)
    not_needed = send(client, me, friend)
    assert not_needed.status_code == 409 and not_needed.get_json()["code"] == "chat_request_not_needed"
    assert send(client, me, me).status_code == 400
    assert client.post("/chat-requests", headers=me.headers, json={"to": "0" * 24}).status_code == 404
    for body in [{}, {"to": "x"}, {"to": {"$ne": None}}, {"to": friend.id, "message": "x" * 501}]:
        assert client.post("/chat-requests", headers=me.headers, json=body).status_code == 400, body


def test_requests_from_a_user_you_block_disappear(client, person):
    me, pest = person(), person()
    send(client, pest, me)
    client.post(f"/users/{pest.id}/block", headers=me.headers)
    assert client.get("/chat-requests", headers=me.headers).get_json()["requests"] == []
    assert client.get("/chat-requests?direction=sideways", headers=me.headers).status_code == 400


def test_a_request_from_someone_since_blocked_cannot_be_accepted_and_stays_pending(client, person):
    me, pest = person(), person()
    request = send(client, pest, me).get_json()
    client.post(f"/users/{pest.id}/block", headers=me.headers)
    assert client.post(f"/chat-requests/{request['id']}/accept", headers=me.headers).status_code == 404
    client.delete(f"/users/{pest.id}/block", headers=me.headers)
    pending = client.get("/chat-requests?direction=incoming", headers=me.headers).get_json()["requests"]
    assert [r["status"] for r in pending] == ["pending"]


def test_someone_who_closed_requests_hears_only_from_people_in_their_contacts(client, person, befriend):
    me, closed, known = person("Me"), person("Closed"), person("Known")
    assert client.patch("/users/me", headers=closed.headers, json={"requestsFromStrangers": False}).get_json()[
        "requestsFromStrangers"] is False
    refused = send(client, me, closed)
    assert refused.status_code == 403 and refused.get_json()["code"] == "requests_closed"
    befriend(closed, known)  # Closed has Known's number; Known does not have Closed's
    assert send(client, known, closed).status_code == 201


def test_asking_back_accepts_even_when_requests_are_closed(client, person):
    me, closed = person("Me"), person("Closed")
    client.patch("/users/me", headers=closed.headers, json={"requestsFromStrangers": False})
    assert send(client, closed, me).status_code == 201  # Closed asked first
    response = send(client, me, closed)
    assert response.status_code == 200 and response.get_json()["status"] == "accepted"


def test_chat_requests_are_limited_per_account(make_app, otp_inbox):
    from support.people import Person, register_on

    client = make_app(use_redis=False, RATE_LIMIT_CHAT_REQUESTS="2 per day").test_client()
    me, *strangers = (Person(register_on(client, otp_inbox, name=f"P{n}")) for n in range(4))
    assert [send(client, me, s).status_code for s in strangers[:2]] == [201, 201]
    limited = send(client, me, strangers[2])
    assert limited.status_code == 429 and limited.get_json()["code"] == "rate_limited"
