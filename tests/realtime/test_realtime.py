"""Socket.IO against a real server process: connection, messages, receipts, typing, presence."""
import sys
import time

import jwt
import pytest
import requests
import socketio

from support.environment import TEST_JWT_SECRET
from support.people import open_chat
from support.servers import LiveServer, chatting_pairs, run_load

pytestmark = pytest.mark.redis
LIVE_SERVER_SETTINGS = {"TYPING_TTL_SECONDS": 1, "DEADLINE_TICK_SECONDS": 0.1}


@pytest.fixture
def pair(live_server):
    me, ada = live_server.register(name="Me"), live_server.register(name="Ada")
    return me, ada, open_chat(live_server.base, me, ada)


# --- connecting -------------------------------------------------------------------------

def test_token_in_auth_query_or_header_connects(live_server, connect):
    me = live_server.register()
    assert connect(live_server.base, me.token).sio.connected
    assert connect(live_server.base, query=f"token={me.token}").sio.connected
    assert connect(live_server.base, headers={"Authorization": f"Bearer {me.token}"}).sio.connected


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_both_transports_carry_events(live_server, connect, pair, transport):
    me, ada, conversation_id = pair
    receiver = connect(live_server.base, ada.token, transports=[transport])
    sender = connect(live_server.base, me.token, transports=[transport])
    ack = sender.call("message", {"conversationId": conversation_id, "text": f"over {transport}"})
    assert ack["text"] == f"over {transport}"
    assert receiver.wait_for("message", lambda m: m["id"] == ack["id"])["from"] == me.id


@pytest.mark.parametrize("token, code", [
    ("", "token_missing"),
    ("not.a.token", "invalid_token"),
    (jwt.encode({"uid": "5f1d7c0e2b3a4c5d6e7f8091"}, "wrong-secret-" + "w" * 40, algorithm="HS256"), "invalid_token"),
])
def test_bad_tokens_are_refused_with_a_reason(live_server, token, code):
    client = socketio.Client(reconnection=False)
    errors = []
    client.on("connect_error", lambda data: errors.append(data))
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(live_server.base, auth={"token": token} if token else None, wait_timeout=5)
    assert errors and errors[0]["data"]["code"] == code and errors[0]["message"]


def test_revoked_session_and_legacy_tokens_follow_the_rest_rules(live_server, connect):
    me = live_server.register()
    legacy = jwt.encode({"uid": me.id, "iat": int(time.time())}, TEST_JWT_SECRET, algorithm="HS256")
    assert connect(live_server.base, legacy).sio.connected
    requests.post(f"{live_server.base}/auth/logout", headers=me.headers)
    client = socketio.Client(reconnection=False)
    errors = []
    client.on("connect_error", lambda data: errors.append(data))
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(live_server.base, auth={"token": me.token}, wait_timeout=5)
    assert errors[0]["data"]["code"] == "session_revoked"


# --- messages ---------------------------------------------------------------------------

def test_socket_message_reaches_every_device_of_both_users(live_server, connect, pair):
    me, ada, conversation_id = pair
    my_desktop, my_phone = connect(live_server.base, me.token), connect(live_server.base, me.token)
    ada_desktop, ada_phone = connect(live_server.base, ada.token), connect(live_server.base, ada.token)

    ack = my_desktop.call("message", {"conversationId": conversation_id, "text": "hello all", "clientId": "s-1"})

    assert ack["id"] == ack["_id"] and ack["status"] == "sent" and ack["to"] == ada.id
    for device in (my_desktop, my_phone, ada_desktop, ada_phone):
        received = device.wait_for("message", lambda m: m["id"] == ack["id"])
        assert received["text"] == received["content"] == "hello all"
    assert ada_phone.wait_for("message", lambda m: m["id"] == ack["id"])["status"] is None
    assert my_phone.wait_for("message", lambda m: m["id"] == ack["id"])["status"] == "sent"


def test_mobile_shape_and_retries_over_the_socket(live_server, connect, pair):
    me, ada, _ = pair
    phone = connect(live_server.base, me.token)
    ada_device = connect(live_server.base, ada.token)
    first = phone.call("message", {"to": ada.id, "from": me.id, "text": "once", "clientId": "retry-1"})
    again = phone.call("message", {"to": ada.id, "text": "once", "clientId": "retry-1"})
    assert first["id"] == again["id"]
    ada_device.wait_for("message", lambda m: m["id"] == first["id"])
    time.sleep(0.3)
    assert len(ada_device.received("message", lambda m: m["id"] == first["id"])) == 1


def test_rest_sends_are_delivered_over_sockets_too(live_server, connect, pair):
    me, ada, conversation_id = pair
    device = connect(live_server.base, ada.token)
    sent = requests.post(f"{live_server.base}/messages", headers=me.headers,
                         json={"conversationId": conversation_id, "text": "from REST"}).json()
    assert device.wait_for("message", lambda m: m["id"] == sent["id"])["text"] == "from REST"


def test_edits_and_deletes_reach_participants_and_delete_for_me_only_my_devices(live_server, connect, pair):
    me, ada, conversation_id = pair
    mine, mine_too, theirs = connect(live_server.base, me.token), connect(live_server.base, me.token), connect(live_server.base, ada.token)
    message = mine.call("message", {"conversationId": conversation_id, "text": "draft"})

    edited = mine.call("message_edited", {"id": message["id"], "text": "final"})
    assert edited["text"] == "final" and edited["editedAt"]
    assert theirs.wait_for("message_edited", lambda m: m["id"] == message["id"])["text"] == "final"

    requests.patch(f"{live_server.base}/messages/{message['id']}", headers=me.headers, json={"text": "via REST"})
    assert theirs.wait_for("message_edited", lambda m: m["text"] == "via REST")

    hidden = theirs.call("message_deleted", {"id": message["id"], "scope": "me"})
    assert hidden["scope"] == "me"
    theirs.wait_for("message_deleted", lambda m: m["id"] == message["id"] and m["scope"] == "me")
    time.sleep(0.3)
    assert mine_too.received("message_deleted") == []

    gone = mine.call("message_deleted", {"id": message["id"]})
    assert gone["deleted"] is True and gone["scope"] == "everyone"
    assert mine_too.wait_for("message_deleted", lambda m: m["scope"] == "everyone")["deleted"] is True


def test_strangers_cannot_edit_or_delete(live_server, connect, pair):
    me, ada, conversation_id = pair
    message = connect(live_server.base, me.token).call("message", {"conversationId": conversation_id, "text": "mine"})
    ada_device = connect(live_server.base, ada.token)
    assert ada_device.call("message_edited", {"id": message["id"], "text": "x"})["error"]["code"] == "not_sender"
    outsider = connect(live_server.base, live_server.register().token)
    assert outsider.call("message_deleted", {"id": message["id"]})["error"]["code"] == "message_not_found"
    assert outsider.call("message", {"conversationId": conversation_id, "text": "x"})["error"]["code"] == "conversation_not_found"


# --- receipts ---------------------------------------------------------------------------

def test_receipts_are_broadcast_only_when_a_cursor_moves(live_server, connect, pair):
    me, ada, conversation_id = pair
    sender, reader = connect(live_server.base, me.token), connect(live_server.base, ada.token)
    messages = [sender.call("message", {"conversationId": conversation_id, "text": f"m{n}"}) for n in range(5)]
    time.sleep(0.01)

    delivered = reader.call("delivered", {"conversationId": conversation_id})
    assert delivered["moved"] is True
    event = sender.wait_for("delivered", lambda d: d["userId"] == ada.id)
    assert event["conversationId"] == conversation_id and event["upTo"] >= messages[-1]["createdAt"]

    read = reader.call("read_up_to", {"conversationId": conversation_id, "upTo": messages[-1]["id"]})
    assert read["moved"] is True and read["readUpTo"] == messages[-1]["createdAt"]
    sender.wait_for("read_up_to", lambda d: d["upTo"] == messages[-1]["createdAt"])

    again = reader.call("read_up_to", {"conversationId": conversation_id, "upTo": messages[0]["id"]})
    assert again["moved"] is False
    time.sleep(0.3)
    assert len(sender.received("read_up_to")) == 1
    page = requests.get(f"{live_server.base}/messages", params={"conversationId": conversation_id}, headers=me.headers).json()
    assert page["messages"][0]["status"] == "read"


# --- typing -----------------------------------------------------------------------------

def test_typing_is_relayed_and_stops_by_itself(live_server, connect, pair):
    me, ada, conversation_id = pair
    typist, watcher = connect(live_server.base, me.token), connect(live_server.base, ada.token)
    assert typist.call("typing", {"conversationId": conversation_id}) == {"ok": True}
    assert watcher.wait_for("typing") == {"conversationId": conversation_id, "userId": me.id}
    started = time.monotonic()
    watcher.wait_for("typing-stopped", timeout=5)
    assert 0.5 < time.monotonic() - started < 3  # TYPING_TTL_SECONDS=1 here
    assert typist.received("typing") == []  # not echoed to the typist


def test_typing_stops_when_asked_and_on_disconnect(live_server, connect, pair):
    me, ada, conversation_id = pair
    typist, watcher = connect(live_server.base, me.token), connect(live_server.base, ada.token)
    typist.call("typing", {"conversationId": conversation_id})
    typist.call("typing-stopped", {"conversationId": conversation_id})
    watcher.wait_for("typing-stopped")
    time.sleep(1.5)
    assert len(watcher.received("typing-stopped")) == 1  # exactly once, not again at the deadline

    typist.call("typing", {"conversationId": conversation_id})
    watcher.wait_for("typing", lambda d: len(watcher.received("typing")) == 2)
    typist.close()
    watcher.wait_for("typing-stopped", lambda d: len(watcher.received("typing-stopped")) == 2, timeout=0.8)


def test_typing_in_a_conversation_of_others_is_refused(live_server, connect, pair):
    _, _, conversation_id = pair
    outsider = connect(live_server.base, live_server.register().token)
    assert outsider.call("typing", {"conversationId": conversation_id})["error"]["code"] == "conversation_not_found"


# --- presence ---------------------------------------------------------------------------

def test_presence_changes_on_first_and_last_device(live_server, connect, pair):
    me, ada, _ = pair
    watcher = connect(live_server.base, ada.token)
    first = connect(live_server.base, me.token)
    online = watcher.wait_for("presence", lambda p: p["userId"] == me.id and p["online"])
    assert watcher.wait_for("user-status-changed", lambda p: p["userId"] == me.id)["status"] == "online"
    assert "lastSeen" in online

    second = connect(live_server.base, me.token)
    answer = {u["userId"]: u["online"] for u in second.call("presence", {"userIds": [me.id, ada.id]})["users"]}
    assert answer == {me.id: True, ada.id: True}
    first.close()
    time.sleep(0.5)
    assert watcher.received("presence", lambda p: p["userId"] == me.id and not p["online"]) == []

    profile = requests.get(f"{live_server.base}/users/{me.id}", headers=ada.headers).json()
    assert profile["online"] is True
    second.close()
    offline = watcher.wait_for("presence", lambda p: p["userId"] == me.id and not p["online"])
    assert offline["lastSeen"].endswith("Z")
    status = watcher.wait_for("user-status-changed", lambda p: p["userId"] == me.id and p["status"] == "offline")
    assert status["lastSeen"] == offline["lastSeen"]
    profile = requests.get(f"{live_server.base}/users/{me.id}", headers=ada.headers).json()
    assert profile["online"] is False and profile["lastSeen"] == offline["lastSeen"]


def test_presence_query_answers_who_is_online(live_server, connect, pair):
    me, ada, _ = pair
    asker = connect(live_server.base, me.token)
    answer = asker.call("presence", {"userIds": [ada.id, me.id]})
    by_id = {u["userId"]: u for u in answer["users"]}
    assert by_id[me.id]["online"] is True and by_id[ada.id]["online"] is False
    connect(live_server.base, ada.token)
    assert {u["userId"]: u["online"] for u in asker.call("presence", {"userIds": [ada.id]})["users"]} == {ada.id: True}


def test_a_hidden_online_status_is_kept_from_events_lookups_and_profiles(live_server, connect, pair):
    me, ada, _ = pair
    hidden = requests.patch(f"{live_server.base}/users/me/settings", headers=me.headers,
                            json={"onlineStatus": "nobody", "lastSeen": "nobody"})
    assert hidden.status_code == 200, hidden.text
    watcher = connect(live_server.base, ada.token)
    connect(live_server.base, me.token)
    answer = {u["userId"]: u for u in watcher.call("presence", {"userIds": [me.id]})["users"]}
    assert answer[me.id]["online"] is False and answer[me.id]["lastSeen"] is None
    assert requests.get(f"{live_server.base}/users/{me.id}", headers=ada.headers).json()["online"] is False
    requests.patch(f"{live_server.base}/users/me/settings", headers=me.headers, json={"onlineStatus": "everyone"})
    connect(live_server.base, ada.token)  # another device of Ada's: no event; one of mine below is not my first
    assert watcher.received("presence", lambda p: p["userId"] == me.id) == []  # nothing while it was hidden
    assert {u["userId"]: u["online"] for u in watcher.call("presence", {"userIds": [me.id]})["users"]} == {me.id: True}


def test_a_read_by_someone_with_read_receipts_off_reaches_others_as_delivered(live_server, connect, pair):
    me, ada, conversation_id = pair
    requests.patch(f"{live_server.base}/users/me/settings", headers=ada.headers, json={"readReceipts": False})
    sender, reader = connect(live_server.base, me.token), connect(live_server.base, ada.token)
    sent = sender.call("message", {"conversationId": conversation_id, "text": "read me"})
    reader.call("read_up_to", {"conversationId": conversation_id, "upTo": sent["id"]})
    assert reader.wait_for("read_up_to", lambda r: r["userId"] == ada.id)  # her own devices know
    assert sender.wait_for("delivered", lambda r: r["userId"] == ada.id)
    time.sleep(0.3)
    assert sender.received("read_up_to", lambda r: r["userId"] == ada.id) == []


# --- bad input --------------------------------------------------------------------------

@pytest.mark.parametrize("event, payload", [
    ("message", None), ("message", "text"), ("message", {"text": {"$gt": ""}}), ("message", {"conversationId": "x"}),
    ("message", {"conversationId": "0" * 24, "text": "x" * 20000}), ("delivered", {}), ("read_up_to", [1, 2]),
    ("typing", {"conversationId": {"$ne": None}}), ("presence", {"userIds": "all"}), ("message_edited", {"id": "x"}),
])
def test_bad_payloads_get_an_error_ack_and_the_connection_stays(live_server, connect, event, payload):
    device = connect(live_server.base, live_server.register().token)
    answer = device.call(event, payload)
    assert set(answer) == {"error"} and answer["error"]["code"] == "validation_error"
    assert answer["error"]["message"] and device.sio.connected
    assert "users" in device.call("presence", {"userIds": ["0" * 24]})


def test_bad_payload_without_an_ack_gets_an_error_event(live_server, connect):
    device = connect(live_server.base, live_server.register().token)
    device.sio.emit("message", {"text": 42})
    error = device.wait_for("error")
    assert error["code"] == "validation_error" and error["event"] == "message"
    assert device.sio.connected


def test_acks_at_light_load_do_not_wait_for_nagle(live_server, tmp_path):
    """The sender's socket gets two small writes per message, its own copy and then the ack;
    without TCP_NODELAY the ack waits for the client's delayed ACK (measured here with gevent-
    websocket's stock handler: ack p50 52 ms, against 10 ms with NoDelayHandler)."""
    me, ada = live_server.register(), live_server.register()
    conversation_id = open_chat(live_server.base, me, ada)
    clients = [{"url": live_server.base, "token": me.token, "id": me.id, "conversationId": conversation_id, "peer": 1},
               {"url": live_server.base, "token": ada.token, "id": ada.id, "conversationId": conversation_id, "peer": 0}]
    result = run_load({"clients": clients, "senders": [0], "messagesPerSender": 60, "window": 1}, tmp_path)
    assert result["delivered"] == 60, result
    assert result["ackLatencyMs"]["p50"] < 30, result


def test_three_hundred_connections_without_redis_all_get_in(module_webhook, tmp_path):
    """Without REDIS_URL, shared state is in-process (fakeredis), whose client used redis-py's
    default pool: past 100 busy connections the connect handler failed. Now it waits instead."""
    server = LiveServer(f"{sys.executable} wsgi.py", webhook=module_webhook, REDIS_URL="",
                        OTP_SENDER="webhook", OTP_WEBHOOK_URL=module_webhook.url)
    try:
        clients = chatting_pairs([server], 150)
        result = run_load({"clients": clients, "messagesPerSender": 1, "window": 1, "ackTimeoutMs": 60000}, tmp_path)
        assert result["connections"] == 300 and result["errors"] == {}, result
        assert result["delivered"] == result["acked"] == 300, result
    finally:
        server.stop()


def test_pings_keep_idle_sockets_open(module_webhook, connect):
    """Pings come from hub timers (backend2/sockets/ping_timers.py), not a sleeping greenlet per
    socket: a client that hears no ping within interval + timeout gives the socket up."""
    server = LiveServer(f"{sys.executable} wsgi.py", webhook=module_webhook, OTP_SENDER="webhook",
                        OTP_WEBHOOK_URL=module_webhook.url, SOCKET_PING_INTERVAL_SECONDS=1,
                        SOCKET_PING_TIMEOUT_SECONDS=1)
    try:
        me = server.register()
        idle = [connect(server.base, me.token, transports=[transport]) for transport in ("websocket", "polling")]
        time.sleep(4)  # four times what a client waits for a ping
        for device in idle:
            assert device.sio.connected
            assert device.call("presence", {"userIds": [me.id]})["users"][0]["online"] is True
    finally:
        server.stop()
