"""A group message reaches the other processes in one Redis publish, whatever its copies."""
import json
import time

import pytest

from backend2.extensions import redis_store
from tests.support.people import AppWorld

pytestmark = pytest.mark.redis


def published_during(redis_client, channel, act):
    """The messages published on `channel` while `act()` ran (JSON-decoded)."""
    listener = redis_client.pubsub(ignore_subscribe_messages=True)
    listener.subscribe(channel)
    listener.get_message(timeout=1)  # the subscription's confirmation
    act()
    seen, quiet_until = [], time.monotonic() + 0.5
    while time.monotonic() < quiet_until:
        message = listener.get_message(timeout=0.1)
        if message:
            seen.append(json.loads(message["data"]))
    listener.close()
    return seen


def test_a_group_message_with_three_kinds_of_copy_is_one_publish(make_app, redis_client, otp_inbox):
    app = make_app(use_redis=True)
    world = AppWorld(app.test_client(), otp_inbox)
    me, ada, bob, cy = (world.person(name) for name in ("Me", "Ada", "Bob", "Cy"))
    for other in (ada, bob, cy):
        world.client.post("/contacts/sync", headers=me.headers, json={"phones": [other.phone]})
    created = world.client.post("/conversations", headers=me.headers,
                                json={"participants": [ada.id, bob.id, cy.id], "name": "G", "type": "group"})
    gid = created.get_json()["id"]
    with app.app_context():
        channel = redis_store.key("socketio")

    published = published_during(redis_client, channel, lambda: world.say(me, gid, "@Ada hi", mentions=[ada.id]))

    emits = [p for p in published if p.get("method") == "emit"]
    assert len(emits) == 1, published
    copies = {tuple(sorted(copy["room"])): copy["data"][0] for copy in emits[0]["batch"]}
    assert set(copies) == {(f"user:{me.id}",), (f"user:{ada.id}",), tuple(sorted([f"user:{bob.id}", f"user:{cy.id}"]))}
    assert copies[(f"user:{ada.id}",)]["mentionsMe"] is True and copies[(f"user:{ada.id}",)]["status"] is None
    assert copies[(f"user:{me.id}",)]["status"] == "sent"
    assert {copy["event"] for copy in emits[0]["batch"]} == {"message"}
