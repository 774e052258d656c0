"""Forwarding: copies to several conversations, per-target results, attachments shared."""
import io


def forward(client, who, message_id, **body):
    return client.post(f"/messages/{message_id}/forward", headers=who.headers, json=body)


def test_a_forward_copies_to_each_target_and_marks_it_forwarded(client, person, chat, say):
    me, ada, bob = person("Me"), person("Ada"), person("Bob")
    original = say(ada, chat(ada, me), "look at this")
    to_bob, to_ada = chat(me, bob), chat(me, ada)
    response = forward(client, me, original["id"], conversationIds=[to_bob, to_ada])
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [(r["conversationId"], r["ok"], r["error"]) for r in results] == [(to_bob, True, None), (to_ada, True, None)]
    copy = results[0]["message"]
    assert copy["text"] == copy["content"] == "look at this"
    assert copy["forwarded"] is True and copy["forwardCount"] == 1 and copy["forwardedManyTimes"] is False
    assert copy["sender"] == me.id and copy["conversationId"] == to_bob
    seen_by_bob = client.get(f"/messages?conversationId={to_bob}", headers=bob.headers).get_json()["messages"]
    assert [m["id"] for m in seen_by_bob] == [copy["id"]]


def test_each_hop_counts_and_five_make_many_times(client, person, chat, say):
    people = [person(f"P{i}") for i in range(7)]
    message = say(people[0], chat(people[0], people[1]), "chain letter")
    for hop in range(1, 6):
        target = chat(people[hop], people[hop + 1])
        results = forward(client, people[hop], message["id"], conversations=[target]).get_json()["results"]
        message = results[0]["message"]
        assert message["forwardCount"] == hop
    assert message["forwardedManyTimes"] is True


def test_targets_fail_one_by_one_and_nothing_is_stored_for_a_failed_one(client, person, chat, say):
    me, ada, bob, eve = person("Me"), person("Ada"), person("Bob"), person("Eve")
    original = say(me, chat(me, ada), "hello")
    to_bob, eves_chat = chat(me, bob), chat(eve, ada)
    client.post(f"/users/{me.id}/block", headers=bob.headers)
    results = forward(client, me, original["id"], conversationIds=[to_bob, eves_chat]).get_json()["results"]
    assert [(r["ok"], r["error"]["code"]) for r in results] == [(False, "blocked"), (False, "conversation_not_found")]
    assert all(r["message"] is None for r in results)
    assert client.get(f"/messages?conversationId={to_bob}", headers=me.headers).get_json()["messages"] == []


def test_bad_forwards_are_refused(world_with):
    world = world_with(FORWARD_MAX_TARGETS=2)
    client, me, ada = world.client, world.person(), world.person()
    conversation_id = world.chat(me, ada)
    message = world.say(me, conversation_id)
    for body in [{}, {"conversationIds": []}, {"conversationIds": ["nope"]},
                 {"conversationIds": [conversation_id] * 3}, {"conversationIds": conversation_id}]:
        assert forward(client, me, message["id"], **body).status_code == 400, body
    outsider = world.person()
    assert forward(client, outsider, message["id"], conversationIds=[conversation_id]).status_code == 404
    client.delete(f"/messages/{message['id']}", headers=me.headers)
    gone = forward(client, me, message["id"], conversationIds=[conversation_id])
    assert gone.status_code == 409 and gone.get_json()["code"] == "message_deleted"
    page = client.get(f"/messages?conversationId={conversation_id}", headers=me.headers).get_json()
    assert len(page["messages"]) == 1


def test_forwarded_attachments_are_the_same_file_and_the_new_chat_may_fetch_it(client, person, chat):
    me, ada, bob = person("Me"), person("Ada"), person("Bob")
    upload = client.post("/uploads", headers=ada.headers, content_type="multipart/form-data",
                         data={"file": (io.BytesIO(b"%PDF-1.4 plain"), "notes.pdf")})
    assert upload.status_code == 201, upload.get_json()
    url = upload.get_json()["url"]
    path = url.split("?")[0]  # without its signature: access by who is asking
    original = client.post("/messages", headers=ada.headers, json={
        "conversationId": chat(ada, me), "attachments": [{"url": url}]}).get_json()
    assert client.get(path, headers=bob.headers).status_code == 404
    results = forward(client, me, original["id"], conversationIds=[chat(me, bob)]).get_json()["results"]
    copy = results[0]["message"]
    assert copy["type"] == original["type"] and copy["attachments"][0]["name"] == "notes.pdf"
    assert copy["attachments"][0]["url"].split("?")[0] == original["attachments"][0]["url"].split("?")[0]
    assert client.get(path, headers=bob.headers).status_code == 200


def test_calls_and_system_entries_are_not_forwardable(client, person, chat):
    me, ada, bob = person("Me"), person("Ada"), person("Bob")
    chat(me, ada), chat(me, bob)
    group = client.post("/conversations", headers=me.headers,
                        json={"participants": [ada.id, bob.id], "name": "G"}).get_json()
    entry = client.get(f"/messages?conversationId={group['id']}", headers=me.headers).get_json()["messages"][0]
    assert entry["type"] == "system"
    refused = forward(client, me, entry["id"], conversationIds=[group["id"]])
    assert refused.status_code == 403 and refused.get_json()["code"] == "not_forwardable"
