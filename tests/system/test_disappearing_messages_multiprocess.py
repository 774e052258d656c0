"""Disappearing messages across two server processes sharing Redis: a 2-second timer set on one
process, the message sent there, reacted to, starred and pinned from the other, and at its time
gone everywhere, with every device of both apps told."""
import time

import pytest
import redis as redis_lib
import requests

from backend2.utils.time import parse_iso
from support.environment import TEST_REDIS_URL
from support.people import open_chat
from support.waiting import eventually
from support.web_pages import png

pytestmark = pytest.mark.redis
CLUSTER_SETTINGS = {"DISAPPEARING_MIN_SECONDS": 1}


def test_a_message_goes_for_everyone_at_its_time_whichever_process_holds_the_devices(cluster, connect):
    a, b = cluster.servers
    me, ada = a.register(name="Me"), a.register(name="Ada")
    conversation_id = open_chat(a.base, me, ada)
    my_phone = connect(a.base, query=f"token={me.token}")            # the mobile app: token in the query
    ada_desktop = connect(b.base, ada.token)                          # the desktop app: token in auth
    ada_phone = connect(a.base, query=f"token={ada.token}")
    cursor = requests.get(f"{b.base}/messages/sync", headers=ada.headers).json()["nextCursor"]

    timer = requests.patch(f"{a.base}/conversations/{conversation_id}", headers=me.headers,
                           json={"disappearing_seconds": 2})
    assert timer.status_code == 200, timer.text
    for device in (ada_desktop, ada_phone):
        updated = device.wait_for("conversation_updated")
        assert updated["disappearingSeconds"] == updated["disappearing_seconds"] == 2
        assert updated["userId"] == updated["user_id"] == me.id and updated["updatedAt"] == updated["updated_at"]

    upload = requests.post(f"{a.base}/uploads", headers=me.headers,
                           files={"file": ("notes.txt", b"burn after reading", "text/plain")}).json()
    card_image = requests.post(f"{a.base}/uploads", headers=me.headers,
                               files={"file": ("card.png", png((60, 40)), "image/png")}).json()
    link = "https://example.org/story"
    sent = requests.post(f"{a.base}/messages", headers=me.headers, json={
        "conversationId": conversation_id, "text": f"vanishing secret {link}", "attachments": [{"url": upload["url"]}],
        "linkPreview": {"url": link, "title": "A story", "image": card_image["url"]}}).json()
    file_link = b.base + sent["attachments"][0]["url"]  # relative without PUBLIC_URL
    card_link = b.base + sent["linkPreview"]["image"]
    assert (parse_iso(sent["expiresAt"]) - parse_iso(sent["createdAt"])).total_seconds() == 2
    assert requests.put(f"{b.base}/messages/{sent['id']}/reactions", headers=ada.headers,
                        json={"emoji": "🔥"}).status_code == 200
    assert requests.put(f"{b.base}/messages/{sent['id']}/star", headers=ada.headers).status_code == 200
    assert requests.put(f"{b.base}/messages/{sent['id']}/pin", headers=ada.headers).status_code == 200
    # the timer off before the reply, so the reply outlives what it quotes however slow the machine
    assert requests.patch(f"{a.base}/conversations/{conversation_id}", headers=me.headers,
                          json={"disappearing_seconds": None}).status_code == 200
    reply = requests.post(f"{b.base}/messages", headers=ada.headers,
                          json={"conversationId": conversation_id, "text": "got it", "replyTo": sent["id"]}).json()
    assert reply["replyTo"]["text"].startswith("vanishing secret") and reply["expiresAt"] is None
    found = requests.get(f"{b.base}/messages/search", headers=ada.headers, params={"q": "vanishing"}).json()
    assert [m["id"] for m in found["messages"]] == [sent["id"]]
    assert requests.get(file_link).status_code == 200

    for device in (my_phone, ada_desktop, ada_phone):
        gone = device.wait_for("message_deleted", lambda e: e["id"] == sent["id"], timeout=10)
        assert gone["scope"] == "expired" and gone["deleted"] is True and gone["text"] == ""
    late_by = time.time() - parse_iso(sent["expiresAt"]).timestamp()
    assert late_by < 2, f"expired {late_by:.1f}s after its time"

    for base, who in ((a.base, me), (b.base, ada)):
        page = requests.get(f"{base}/messages", headers=who.headers, params={"conversationId": conversation_id}).json()
        stored = next(m for m in page["messages"] if m["id"] == sent["id"])
        assert (stored["deleted"], stored["text"], stored["attachments"], stored["reactions"]) == (True, "", [], [])
        quoting = next(m for m in page["messages"] if m["id"] == reply["id"])
        assert (quoting["replyTo"]["id"], quoting["replyTo"]["deleted"], quoting["replyTo"]["text"]) == (
            sent["id"], True, "")  # the reply stays; what it quoted does not
        assert requests.get(f"{base}/messages/search", headers=who.headers,
                            params={"q": "vanishing"}).json()["messages"] == []
        conversation = requests.get(f"{base}/conversations/{conversation_id}", headers=who.headers).json()
        assert conversation["pins"] == [] and conversation["lastMessage"]["id"] != sent["id"]
    assert requests.get(f"{b.base}/messages/starred", headers=ada.headers).json()["messages"] == []
    assert requests.get(file_link).status_code == 404
    assert requests.get(file_link.split("?")[0], headers=me.headers).status_code == 404
    assert requests.get(card_link).status_code == 404  # the sender's own card's image goes too
    assert ada_desktop.wait_for("message_unpinned", lambda e: e["messageId"] == sent["id"])["pins"] == []

    def synced():
        changes = requests.get(f"{b.base}/messages/sync", headers=ada.headers, params={"since": cursor}).json()
        return [m for m in changes["messages"] if m["id"] == sent["id"] and m["deleted"]]

    assert eventually(synced, timeout=5)[0]["expiresAt"] == sent["expiresAt"]


def _timed_message(cluster, seconds):
    a = cluster.servers[0]
    me, ada = a.register(name="Me"), a.register(name="Ada")
    conversation_id = open_chat(a.base, me, ada)
    requests.patch(f"{a.base}/conversations/{conversation_id}", headers=me.headers,
                   json={"disappearingSeconds": seconds})
    sent = requests.post(f"{a.base}/messages", headers=me.headers,
                         json={"conversationId": conversation_id, "text": "while nobody runs"}).json()
    return me, conversation_id, sent


def _expired(cluster, who, conversation_id, message_id):
    page = requests.get(f"{cluster.servers[0].base}/messages", headers=who.headers,
                        params={"conversationId": conversation_id})
    return next(m for m in page.json()["messages"] if m["id"] == message_id)["deleted"]


def test_a_deadline_stored_before_every_process_restarted_fires_on_time(cluster):
    """Restarted before the message is due, so the sweep at start finds nothing and the next one is
    EXPIRY_SWEEP_SECONDS away: only the deadline kept in Redis can take it at its time."""
    me, conversation_id, sent = _timed_message(cluster, 12)  # a restart on a loaded CI machine took 7 s
    for server in cluster.servers:
        server.stop()
    cluster.restart_servers()
    assert time.time() < parse_iso(sent["expiresAt"]).timestamp(), "restarted too slowly for this test"
    eventually(lambda: _expired(cluster, me, conversation_id, sent["id"]), timeout=16, interval=0.2)
    late_by = time.time() - parse_iso(sent["expiresAt"]).timestamp()
    assert -0.5 < late_by < 2, f"expired {late_by:.1f}s from its time"


def test_a_message_due_while_every_process_was_down_and_redis_emptied_goes_at_the_next_start(cluster):
    me, conversation_id, sent = _timed_message(cluster, 1)
    for server in cluster.servers:
        server.stop()
    time.sleep(1.5)
    redis_lib.Redis.from_url(TEST_REDIS_URL).flushdb()  # the deadline is gone: the sweep at start finds it
    cluster.restart_servers()
    eventually(lambda: _expired(cluster, me, conversation_id, sent["id"]), timeout=10)
