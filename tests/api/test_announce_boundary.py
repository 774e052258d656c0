"""Announcing is a boundary: a receiver that fails costs neither the request nor the message.

The failing receiver runs first, ahead of the app's own, so the tests also show that the ones
after it still run.
"""
import pytest
from prometheus_client.parser import text_string_to_metric_families

from backend2.extensions import socketio
from backend2.receivers import RECEIVERS
from backend2.services.support.announce import EXTENSION, Receivers, name_of
from backend2.services.support.events import MessageCreated
from support.people import AppWorld

METRICS_TOKEN = "m" * 32


class FailingReceiver:
    """Raises on every event it is given, and remembers the ids of the messages."""

    def __init__(self):
        self.heard = []
        self.__qualname__ = "FailingReceiver"

    def __call__(self, event):
        self.heard.append(str(event.message.id))
        raise RuntimeError("this receiver always fails")


def chatting(app, otp_inbox):
    world = AppWorld(app.test_client(), otp_inbox)
    me, ada = world.person("Me"), world.person("Ada")
    return world, me, ada, world.chat(me, ada)


@pytest.fixture
def failing(make_app, otp_inbox):
    """(app, world, me, ada, conversation id, the failing receiver): it runs before the app's own."""
    app = make_app(use_redis=False, SYNC_SETTLE_MS=0, METRICS_TOKEN=METRICS_TOKEN)
    receiver, receivers = FailingReceiver(), Receivers()
    receivers.add(MessageCreated, receiver)
    for event_type, registered in RECEIVERS:
        receivers.add(event_type, registered)
    app.extensions[EXTENSION] = receivers
    return (app, *chatting(app, otp_inbox), receiver)


def failures_counted(client, receiver):
    scrape = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    for family in text_string_to_metric_families(scrape.get_data(as_text=True)):
        for sample in family.samples:
            if sample.name == "backend2_announce_failures_total" and sample.labels == {
                    "event": "MessageCreated", "receiver": name_of(receiver)}:
                return sample.value
    return 0


def delivered_ids(device):
    """The ids of the `message` events the device got since last asked (Flask-SocketIO's test
    client hands a `message` event's payload over as is, not in a list)."""
    return [event["args"]["id"] for event in device.get_received() if event["name"] == "message"]


def test_a_rest_send_succeeds_is_delivered_synced_and_counted_when_a_receiver_fails(failing):
    app, world, me, ada, conversation_id, receiver = failing
    ada_device = socketio.test_client(app, auth={"token": ada.token})
    cursor = world.client.get("/messages/sync", headers=ada.headers).get_json()["nextCursor"]
    before = failures_counted(world.client, receiver)

    sent = world.client.post("/messages", headers=me.headers,
                             json={"conversationId": conversation_id, "text": "stored", "clientId": "c-1"})
    assert sent.status_code == 201
    message_id = sent.get_json()["id"]
    assert receiver.heard == [message_id]
    assert delivered_ids(ada_device) == [message_id]
    assert failures_counted(world.client, receiver) == before + 1

    synced = world.client.get("/messages/sync", query_string={"since": cursor}, headers=ada.headers).get_json()
    assert [m["id"] for m in synced["messages"]] == [message_id]

    retried = world.client.post("/messages", headers=me.headers,
                                json={"conversationId": conversation_id, "text": "stored", "clientId": "c-1"})
    assert retried.status_code == 200 and retried.get_json()["id"] == message_id
    assert receiver.heard == [message_id, message_id], "the retry announces the stored message again"
    assert delivered_ids(ada_device) == [message_id]
    ada_device.disconnect()


def test_a_retry_after_a_clean_announcement_announces_nothing(make_app, otp_inbox):
    app = make_app(use_redis=False)
    world, me, ada, conversation_id = chatting(app, otp_inbox)
    ada_device = socketio.test_client(app, auth={"token": ada.token})
    body = {"conversationId": conversation_id, "text": "once", "clientId": "c-2"}
    first = world.client.post("/messages", headers=me.headers, json=body)
    again = world.client.post("/messages", headers=me.headers, json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert delivered_ids(ada_device) == [first.get_json()["id"]]
    ada_device.disconnect()


def test_a_socket_send_is_acked_and_delivered_when_a_receiver_fails(failing):
    app, world, me, ada, conversation_id, receiver = failing
    ada_device = socketio.test_client(app, auth={"token": ada.token})
    my_device = socketio.test_client(app, auth={"token": me.token})
    ack = my_device.emit("message", {"conversationId": conversation_id, "text": "by socket"}, callback=True)
    assert ack["text"] == "by socket" and "error" not in ack
    assert receiver.heard == [ack["id"]]
    assert delivered_ids(ada_device) == [ack["id"]]
    history = world.client.get("/messages", query_string={"conversationId": conversation_id},
                               headers=ada.headers).get_json()
    assert ack["id"] in [m["id"] for m in history["messages"]]
    my_device.disconnect()
    ada_device.disconnect()
