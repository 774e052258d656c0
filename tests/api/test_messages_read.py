"""Reading history: stable cursors both ways and page mode, across messages sharing a millisecond."""
from datetime import datetime, timedelta, timezone

import pytest
from bson import ObjectId

from backend2.models import Message

MESSAGES = 520
SAME_MILLISECOND = 52  # ten distinct timestamps, 52 messages each


@pytest.fixture
def history(app, client, person, chat):
    """A conversation holding 520 messages whose timestamps collide 52 at a time.

    They are written straight to the database: no client can make the clock stand still.
    """
    me, ada = person("Me"), person("Ada")
    conversation_id = ObjectId(chat(me, ada))
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with app.app_context():
        Message.objects.insert([
            Message(conversation=conversation_id, sender=ObjectId(me.id if number % 2 else ada.id), text=f"m{number}",
                    created_at=start + timedelta(milliseconds=number // SAME_MILLISECOND),
                    updated_at=start + timedelta(milliseconds=number // SAME_MILLISECOND))
            for number in range(MESSAGES)
        ])
        ordered = [str(m.id) for m in Message.objects(conversation=conversation_id).order_by("created_at", "id")]
    return me, str(conversation_id), ordered


def walk(client, who, conversation_id, direction, limit):
    seen, cursor = [], None
    while True:
        query = {"conversationId": conversation_id, "limit": limit}
        if cursor:
            query[direction] = cursor
        elif direction == "after":
            query["after"] = "2000-01-01T00:00:00.000Z"
        page = client.get("/messages", query_string=query, headers=who.headers).get_json()
        seen += [m["id"] for m in page["messages"]]
        cursor = page["pagination"]["nextCursor"]
        if not page["pagination"]["hasMore"]:
            assert cursor is None
            return seen


def test_paging_back_newest_first_has_no_gaps_or_repeats(client, history):
    me, conversation_id, ordered = history
    assert walk(client, me, conversation_id, "before", 37) == ordered[::-1]


def test_paging_forward_oldest_first_has_no_gaps_or_repeats(client, history):
    me, conversation_id, ordered = history
    assert walk(client, me, conversation_id, "after", 41) == ordered


def test_page_mode_counts_pages_and_total(client, history):
    me, conversation_id, ordered = history
    seen, page_number = [], 1
    while True:
        page = client.get("/messages", query_string={"conversationId": conversation_id, "limit": 100, "page": page_number},
                          headers=me.headers).get_json()
        assert page["pagination"]["total"] == MESSAGES and page["pagination"]["page"] == page_number
        seen += [m["id"] for m in page["messages"]]
        if not page["pagination"]["hasMore"]:
            break
        page_number += 1
    assert seen == ordered[::-1] and page_number == 6


def test_before_and_after_accept_iso_times(client, history):
    me, conversation_id, ordered = history
    before = client.get("/messages", query_string={"conversationId": conversation_id, "limit": 100,
                                                   "before": "2026-01-01T00:00:00.002Z"}, headers=me.headers).get_json()
    assert [m["id"] for m in before["messages"]] == ordered[:2 * SAME_MILLISECOND][::-1][:100]
    after = client.get("/messages", query_string={"conversationId": conversation_id, "limit": 100,
                                                  "after": "2026-01-01T00:00:00.008Z"}, headers=me.headers).get_json()
    assert [m["id"] for m in after["messages"]] == ordered[9 * SAME_MILLISECOND:]


def test_default_page_is_the_newest_fifty(client, history):
    me, conversation_id, ordered = history
    page = client.get(f"/messages?conversationId={conversation_id}", headers=me.headers).get_json()
    assert [m["id"] for m in page["messages"]] == ordered[::-1][:50]
    assert page["pagination"] == {"limit": 50, "hasMore": True, "nextCursor": ordered[::-1][49]}


def test_bad_paging_parameters_are_400(client, person, chat):
    me, ada = person(), person()
    conversation_id = chat(me, ada)
    for query in [{}, {"conversationId": "x"}, {"conversationId": conversation_id, "limit": 101},
                  {"conversationId": conversation_id, "before": "yesterday"},
                  {"conversationId": conversation_id, "before": "0" * 24},
                  {"conversationId": conversation_id, "before": "2026-01-01T00:00:00Z", "after": "2026-01-01T00:00:00Z"},
                  {"conversationId": conversation_id, "page": 0}, {"conversationId": conversation_id, "sort": "asc"}]:
        assert client.get("/messages", query_string=query, headers=me.headers).status_code == 400, query


def test_only_participants_read(client, person, chat):
    me, ada, outsider = person(), person(), person()
    conversation_id = chat(me, ada)
    assert client.get(f"/messages?conversationId={conversation_id}", headers=outsider.headers).status_code == 404
    assert client.get(f"/messages?conversation={conversation_id}", headers=ada.headers).status_code == 200
