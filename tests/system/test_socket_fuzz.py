"""Every client→server Socket.IO event, fed generated garbage: the server always answers with an
ack, never an internal error, and the connection stays up."""
import json

import pytest
import socketio
import websocket
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backend2.sockets  # noqa: F401  registers the handlers, so the test knows every event
from backend2.extensions import socketio as server_socketio
from backend2.infra.socketio_packets import MALFORMED_EVENT
from support.people import open_chat

pytestmark = pytest.mark.redis
EXAMPLES = 40  # per event
TRANSPORT_LIMIT = 1024 * 1024  # JSON_MAX_BYTES
# The fields each event reads, so generated payloads reach its schema's every branch.
FIELDS = {
    "message": ["conversationId", "conversation", "to", "from", "text", "content", "type", "attachments",
                "location", "contact", "replyTo", "mentions", "clientId"],
    "message_edited": ["id", "text", "content"],
    "message_deleted": ["id", "scope"],
    "delivered": ["conversationId", "conversation", "upTo"],
    "read_up_to": ["conversationId", "conversation", "upTo"],
    "typing": ["conversationId", "conversation"],
    "typing-stopped": ["conversationId", "conversation"],
    "presence": ["userIds"],
    "call:invite": ["to", "callee", "type", "offer", "conversationId"],
    "call:answer": ["callId", "answer"],
    "call:candidate": ["callId", "candidate"],
    "call:hangup": ["callId", "reason"],
    "reaction": ["messageId", "id", "emoji", "reaction", "action"],
    "forward": ["messageId", "id", "conversationIds", "conversations"],
    "pin": ["messageId", "id"],
    "unpin": ["messageId", "id"],
}
OBJECT_ID = "5f1d7c0e2b3a4c5d6e7f8091"

leaves = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70), st.floats(allow_nan=False),
    st.text(max_size=30), st.just(OBJECT_ID), st.just("x" * 200_000), st.just("\u0000\ud7ff\uffff🙂\u202e"),
    st.just({"$gt": ""}), st.just({"$where": "sleep(1000)"}), st.just({"$ne": None}), st.just("2026-01-01T00:00:00Z"),
)
values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                          max_size=4), max_leaves=12)


def deep(levels):
    nested = OBJECT_ID
    for _ in range(levels):
        nested = {"a": [nested]}
    return nested


def payloads(event):
    shaped = st.dictionaries(st.sampled_from(FIELDS[event] + ["$where", "__proto__", "unknown"]), values, max_size=6)
    # Frames over the transport limit close the connection instead (test_realtime covers that).
    return st.one_of(shaped, values, st.just(deep(150)), st.just([deep(50)] * 3)).filter(
        lambda payload: len(json.dumps(payload)) < TRANSPORT_LIMIT)


def test_the_fuzzed_events_are_every_event_the_server_handles():
    registered = {name for name, _, namespace in server_socketio.handlers if namespace == "/"}
    assert registered - {"connect", "disconnect", MALFORMED_EVENT} == set(FIELDS)


@pytest.mark.parametrize("event", sorted(FIELDS))
def test_garbage_gets_an_error_ack_and_the_connection_stays(live_server, connect, event):
    me, ada = live_server.register(name="Fuzz"), live_server.register(name="Target")
    open_chat(live_server.base, me, ada)
    device = connect(live_server.base, me.token)

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None,
              derandomize=True)
    @given(payload=payloads(event))
    def answered(payload):
        ack = device.call(event, payload, timeout=10)
        assert isinstance(ack, dict), ack
        if "error" in ack:
            assert ack["error"]["code"] != "internal_error" and ack["error"]["message"], ack
        assert device.sio.connected

    answered()
    assert device.call("presence", {"userIds": [me.id]})["users"][0]["online"] is True


@pytest.mark.parametrize("payload", ["[" * 5000 + "1" + "]" * 5000, "{]", '{"a": 1'], ids=["too-deep", "not-json", "cut-off"])
def test_json_the_server_cannot_read_gets_an_error_ack(live_server, payload):
    """Raw frames, as no client library would send them: `421["presence",<payload>]`."""
    me = live_server.register(name="Raw")
    ws = websocket.create_connection(f"{live_server.base.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket",
                                     timeout=5)
    try:
        assert ws.recv().startswith("0{")
        ws.send("40" + json.dumps({"token": me.token}))
        assert ws.recv().startswith("40{")
        ws.send('421["presence",' + payload + "]")
        ack = ws.recv()
        assert ack.startswith("431[") and json.loads(ack[3:])[0]["error"]["code"] == "malformed_payload"
        ws.send('422["presence",{"userIds":["%s"]}]' % me.id)
        assert json.loads(ws.recv()[3:])[0]["users"][0]["online"] is True
    finally:
        ws.close()


def test_frames_over_the_transport_limit_close_only_that_connection(live_server, connect):
    me = live_server.register(name="Big")
    bystander, sender = connect(live_server.base, me.token), connect(live_server.base, me.token)
    with pytest.raises(socketio.exceptions.TimeoutError):
        sender.call("presence", {"userIds": ["x" * TRANSPORT_LIMIT]}, timeout=3)
    assert not sender.sio.connected
    assert bystander.call("presence", {"userIds": [me.id]})["users"][0]["online"] is True
