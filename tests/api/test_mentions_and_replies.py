"""Mentions in groups, and replies: what may be quoted, and previews that follow their original."""


def group_of(client, owner, *members):
    response = client.post("/conversations", headers=owner.headers,
                           json={"participants": [m.id for m in members], "name": "G", "type": "group"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def send(client, who, conversation_id, text, **fields):
    return client.post("/messages", headers=who.headers,
                       json={"conversationId": conversation_id, "text": text, **fields})


def test_mentions_are_members_and_counted_unread_for_the_mentioned(client, person, befriend):
    me, ada, bob = person("Me"), person("Ada"), person("Bob")
    befriend(me, ada, bob)
    gid = group_of(client, me, ada, bob)
    sent = send(client, me, gid, "@Ada look", mentions=[ada.id, ada.id]).get_json()
    assert sent["mentions"] == [ada.id] and sent["mentionsMe"] is False
    send(client, me, gid, "no mention")
    pages = {who.name: client.get(f"/messages?conversationId={gid}", headers=who.headers).get_json()["messages"]
             for who in (ada, bob)}
    assert [m["mentionsMe"] for m in pages["Ada"]] == [False, True, False]
    assert not any(m["mentionsMe"] for m in pages["Bob"])
    lists = {who.name: client.get("/conversations", headers=who.headers).get_json()["conversations"][0]
             for who in (ada, bob)}
    assert (lists["Ada"]["unreadMentions"], lists["Ada"]["unreadCount"]) == (1, 2)
    assert lists["Bob"]["unreadMentions"] == 0
    client.post(f"/conversations/{gid}/read", headers=ada.headers, json={})
    assert client.get("/conversations", headers=ada.headers).get_json()["conversations"][0]["unreadMentions"] == 0


def test_mentioning_a_non_member_or_too_many_stores_nothing(client, person, befriend):
    me, ada, bob, eve = person("Me"), person(), person(), person()
    befriend(me, ada, bob)
    gid = group_of(client, me, ada, bob)
    refused = send(client, me, gid, "hi @eve", mentions=[ada.id, eve.id])
    assert refused.status_code == 400 and refused.get_json()["code"] == "invalid_mention"
    assert send(client, me, gid, "x", mentions=["nope"]).status_code == 400
    assert send(client, me, gid, "x", mentions=[ada.id] * 51).status_code == 400
    page = client.get(f"/messages?conversationId={gid}", headers=me.headers).get_json()
    texts = [m["text"] for m in page["messages"]]
    assert texts == ["Me created the group"]


def test_a_reply_preview_follows_its_original_when_edited_and_deleted(client, person, chat, say):
    me, ada = person(), person()
    conversation_id = chat(me, ada)
    original = say(ada, conversation_id, "first words")
    reply = say(me, conversation_id, "answer", replyTo=original["id"])
    assert reply["replyTo"]["text"] == "first words"
    client.patch(f"/messages/{original['id']}", headers=ada.headers, json={"text": "second words"})
    page = client.get(f"/messages?conversationId={conversation_id}", headers=me.headers).get_json()["messages"]
    assert page[0]["replyTo"] == {**reply["replyTo"], "text": "second words", "content": "second words"}
    client.delete(f"/messages/{original['id']}", headers=ada.headers)
    page = client.get(f"/messages?conversationId={conversation_id}", headers=me.headers).get_json()["messages"]
    assert page[0]["replyTo"]["deleted"] is True and page[0]["replyTo"]["text"] == ""


def test_a_reply_must_quote_a_message_the_sender_can_see(client, person, chat, say):
    me, ada, bob = person(), person(), person()
    conversation_id, other = chat(me, ada), chat(ada, bob)
    hidden = say(ada, conversation_id, "hidden from me")
    client.delete(f"/messages/{hidden['id']}?scope=me", headers=me.headers)
    elsewhere = say(bob, other, "not my chat")
    for quoted in (hidden["id"], elsewhere["id"], "5f1d7c0e2b3a4c5d6e7f8091"):
        refused = send(client, me, conversation_id, "re", replyTo=quoted)
        assert refused.status_code == 400 and refused.get_json()["code"] == "invalid_reply", quoted
    assert [m["text"] for m in client.get(f"/messages?conversationId={conversation_id}",
                                          headers=me.headers).get_json()["messages"]] == []
