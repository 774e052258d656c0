"""Reactions, pins, group lines and chat settings cross from one server process to the other."""
import pytest
import requests

from support.people import open_chat

pytestmark = pytest.mark.redis


def test_changes_made_on_one_process_reach_devices_on_the_other(cluster, connect):
    a, b = cluster.servers
    me, ada, bob = (a.register(name=name) for name in ("Me", "Ada", "Bob"))
    conversation_id = open_chat(a.base, me, ada)
    on_a, ada_on_b, my_laptop_on_b = connect(a.base, me.token), connect(b.base, ada.token), connect(b.base, me.token)

    sent = on_a.call("message", {"conversationId": conversation_id, "text": "crossing"})
    ada_on_b.call("reaction", {"messageId": sent["id"], "emoji": "🎉"})
    reaction = on_a.wait_for("message_reaction", lambda e: e["messageId"] == sent["id"])
    assert reaction["userId"] == ada.id and reaction["reactions"][0]["mine"] is False
    assert my_laptop_on_b.wait_for("message_reaction", lambda e: e["messageId"] == sent["id"])["emoji"] == "🎉"

    on_a.call("pin", {"messageId": sent["id"]})
    assert ada_on_b.wait_for("message_pinned", lambda e: e["messageId"] == sent["id"])["userId"] == me.id

    requests.patch(f"{a.base}/conversations/{conversation_id}/settings", headers=me.headers,
                   json={"markedUnread": True})
    assert my_laptop_on_b.wait_for("conversation_settings")["markedUnread"] is True

    requests.post(f"{a.base}/contacts/sync", headers=me.headers, json={"phones": [bob.phone]})
    group = requests.post(f"{a.base}/conversations", headers=me.headers,
                          json={"type": "group", "name": "G", "participants": [ada.id]}).json()["id"]
    requests.post(f"{a.base}/conversations/{group}/members", headers=me.headers, json={"members": [bob.id]})
    line = ada_on_b.wait_for("message", lambda m: (m["system"] or {}).get("action") == "members_added")
    assert line["text"] == "Me added Bob" and line["conversationId"] == group
