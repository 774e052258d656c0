"""Search: every word, the last one unfinished, folded; only what the caller could scroll to."""


def search(client, who, **query):
    response = client.get("/messages/search", headers=who.headers, query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def texts(found):
    return [m["text"] for m in found["messages"]]


def test_words_match_whole_the_last_as_a_prefix_ignoring_case_and_accents(client, person, chat, say):
    me, ada = person(), person()
    conversation_id = chat(me, ada)
    for text in ("Café tomorrow?", "see you TOMORROW at the cafe", "tomorrowland", "coffee tomorrow", "other"):
        say(ada, conversation_id, text)
    assert texts(search(client, me, q="cafe tomor")) == ["see you TOMORROW at the cafe", "Café tomorrow?"]
    assert texts(search(client, me, q="TOMORROW")) == ["coffee tomorrow", "tomorrowland",
                                                       "see you TOMORROW at the cafe", "Café tomorrow?"]
    assert texts(search(client, me, q="tomorrow coff")) == ["coffee tomorrow"]  # in any order
    assert texts(search(client, me, q="tomor cafe")) == []  # only the last word may be unfinished
    assert texts(search(client, me, q="tomor ")) == []  # and not once the query ends after it
    assert texts(search(client, me, q="tomorrow ")) == ["coffee tomorrow", "see you TOMORROW at the cafe",
                                                        "Café tomorrow?"]


def test_results_are_paged_newest_first_and_filtered_by_chat_and_sender(client, person, chat, say):
    me, ada, bob = person(), person(), person()
    with_ada, with_bob = chat(me, ada), chat(me, bob)
    for i in range(5):
        say(ada, with_ada, f"report {i}")
    say(me, with_ada, "my report")
    say(bob, with_bob, "bob report")
    first = search(client, me, q="report", limit=3)
    assert texts(first) == ["bob report", "my report", "report 4"] and first["pagination"]["hasMore"]
    rest = search(client, me, q="report", limit=3, before=first["pagination"]["nextCursor"])
    assert texts(rest) == ["report 3", "report 2", "report 1"]
    assert texts(search(client, me, q="report", conversationId=with_bob)) == ["bob report"]
    assert texts(search(client, me, q="report", sender=me.id)) == ["my report"]
    assert len(texts(search(client, me, **{"q": "report", "from": ada.id}))) == 5


def test_nothing_hidden_deleted_cleared_or_left_is_ever_found(client, person, befriend, chat, say):
    me, ada, bob = person(), person(), person()
    befriend(me, ada, bob)
    direct = chat(me, ada)
    group = client.post("/conversations", headers=me.headers,
                        json={"participants": [ada.id, bob.id], "name": "G"}).get_json()["id"]
    deleted = say(ada, direct, "secret deleted")
    hidden = say(ada, direct, "secret hidden")
    say(ada, direct, "secret before clearing")
    client.delete(f"/messages/{deleted['id']}", headers=ada.headers)
    client.delete(f"/messages/{hidden['id']}?scope=me", headers=me.headers)
    client.patch(f"/conversations/{direct}/settings", headers=me.headers, json={"clearHistory": True})
    say(ada, direct, "secret after clearing")
    say(bob, group, "secret in the group")
    assert texts(search(client, me, q="secret")) == ["secret in the group", "secret after clearing"]
    assert texts(search(client, ada, q="secret")) == ["secret in the group", "secret after clearing",
                                                      "secret before clearing", "secret hidden"]
    client.delete(f"/conversations/{group}/members/{me.id}", headers=me.headers)
    assert texts(search(client, me, q="secret")) == ["secret after clearing"]
    eve = person()
    assert search(client, eve, q="secret")["messages"] == []


def test_bad_searches_are_400_or_404(client, person, chat, say):
    me, ada = person(), person()
    conversation_id = chat(me, ada)
    for query in [{}, {"q": ""}, {"q": "!!! ???"}, {"q": "x" * 201}, {"q": "a", "limit": 0},
                  {"q": "a", "before": "nope"}, {"q": "a", "conversationId": "nope"},
                  {"q": "a", "before": "5f1d7c0e2b3a4c5d6e7f8091"}]:
        assert client.get("/messages/search", headers=me.headers, query_string=query).status_code == 400, query
    stranger = person()
    foreign = client.get("/messages/search", headers=stranger.headers,
                         query_string={"q": "a", "conversationId": conversation_id})
    assert foreign.status_code == 404


def test_messages_stored_before_search_get_their_words_from_the_command(app, client, person, chat, say):
    from backend2.models import Message
    me, ada = person(), person()
    conversation_id = chat(me, ada)
    old = [say(ada, conversation_id, f"archived note {i}") for i in range(3)]
    deleted = say(ada, conversation_id, "archived but deleted")
    client.delete(f"/messages/{deleted['id']}", headers=ada.headers)
    with app.app_context():
        Message.objects(conversation=conversation_id).update(unset__search_terms=True)  # as stored before search
    assert search(client, me, q="archived")["messages"] == []
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["messages", "index-search", "--dry-run"])
    assert dry.exit_code == 0 and "would index 3 messages" in dry.output
    done = runner.invoke(args=["messages", "index-search"])
    assert done.exit_code == 0 and "indexed 3 messages, 0 failed" in done.output
    assert [m["id"] for m in search(client, me, q="archived note")["messages"]] == [m["id"] for m in old[::-1]]
    assert "indexed 0 messages" in runner.invoke(args=["messages", "index-search"]).output
