"""Calls against a real server process: ringing on every device, answer, candidates, every way
a call ends, history, call messages and ICE servers."""
import base64
import hashlib
import hmac
import sys
import time

import pytest
import requests

from support.people import open_chat
from support.servers import LiveServer

pytestmark = pytest.mark.redis
TURN_SECRET = "coturn-static-auth-secret-for-tests"
LIVE_SERVER_SETTINGS = {
    "CALL_TIMEOUT_SECONDS": 3, "CALL_RECONNECT_GRACE_SECONDS": 1.5, "DEADLINE_TICK_SECONDS": 0.1,
    "STUN_URLS": "stun:stun.example.org:3478", "TURN_URLS": "turn:turn.example.org:3478?transport=udp",
    "TURN_SECRET": TURN_SECRET, "TURN_TTL_SECONDS": 600,
}
OFFER = {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}
ANSWER = {"type": "answer", "sdp": "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n"}


@pytest.fixture
def people(live_server):
    """Me and Ada, who chat; Bo, a stranger to both."""
    me, ada, bo = (live_server.register(name=name) for name in ("Me", "Ada", "Bo"))
    return me, ada, bo, open_chat(live_server.base, me, ada)


def invite(device, callee, kind="audio", **extra):
    ack = device.call("call:invite", {"to": callee.id, "type": kind, "offer": OFFER, **extra})
    assert "callId" in ack, ack
    return ack["callId"]


def hangups(device, call_id):
    return device.received("call:hangup", lambda h: h["callId"] == call_id)


def history(live_server, who):
    response = requests.get(f"{live_server.base}/calls", headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()["calls"]


def call_messages(live_server, who, conversation_id):
    response = requests.get(f"{live_server.base}/messages", params={"conversationId": conversation_id},
                            headers=who.headers)
    return [m for m in response.json()["messages"] if m["type"] == "call"]


def unread_count(live_server, who, conversation_id):
    return requests.get(f"{live_server.base}/conversations/{conversation_id}", headers=who.headers).json()["unreadCount"]


def test_an_answered_call_rings_everywhere_relays_candidates_and_ends_for_all(live_server, connect, people):
    me, ada, _, conversation_id = people
    my_desk, my_phone = connect(live_server.base, me.token), connect(live_server.base, me.token)
    ada_phone, ada_laptop = connect(live_server.base, ada.token), connect(live_server.base, ada.token)

    call_id = invite(my_desk, ada, "video")
    for device in (ada_phone, ada_laptop):
        ringing = device.wait_for("call:invite", lambda i: i["callId"] == call_id)
        assert ringing["from"]["id"] == me.id and ringing["from"]["name"] == "Me" and "phone" not in ringing["from"]
        assert ringing["type"] == "video" and ringing["offer"] == OFFER and ringing["conversationId"] == conversation_id
    assert my_phone.wait_for("call:outgoing")["callId"] == call_id

    # Before the answer the caller's candidates are held, not sprayed over every ringing device.
    assert my_desk.call("call:candidate", {"callId": call_id, "candidate": {"candidate": "early", "sdpMid": "0"}}) == {"ok": True}
    assert ada_phone.call("call:answer", {"callId": call_id, "answer": ANSWER})["ok"] is True

    assert my_desk.wait_for("call:answer")["answer"] == ANSWER
    assert ada_phone.wait_for("call:candidate")["candidate"] == {"candidate": "early", "sdpMid": "0"}
    assert ada_laptop.wait_for("call:hangup", lambda h: h["callId"] == call_id)["reason"] == "answered_elsewhere"
    assert not ada_laptop.received("call:candidate") and not hangups(ada_phone, call_id)

    ada_phone.call("call:candidate", {"callId": call_id, "candidate": "to-caller"})
    assert my_desk.wait_for("call:candidate")["candidate"] == "to-caller"
    my_desk.call("call:candidate", {"callId": call_id, "candidate": "to-callee"})
    ada_phone.wait_for("call:candidate", lambda c: c["candidate"] == "to-callee")
    assert not my_phone.received("call:candidate") and len(ada_laptop.received("call:candidate")) == 0

    time.sleep(1.1)
    assert ada_phone.call("call:hangup", {"callId": call_id})["ok"] is True
    for device in (my_desk, my_phone, ada_phone, ada_laptop):
        device.wait_for("call:hangup", lambda h: h["callId"] == call_id and h["reason"] == "ended")

    mine, hers = history(live_server, me)[0], history(live_server, ada)[0]
    assert mine["id"] == hers["id"] == mine["_id"] == call_id
    assert (mine["direction"], hers["direction"]) == ("outgoing", "incoming")
    assert mine["user"]["id"] == ada.id and hers["user"]["id"] == me.id
    assert mine["outcome"] == "answered" and mine["type"] == "video" and mine["duration"] >= 1
    assert mine["startedAt"] <= mine["answeredAt"] <= mine["endedAt"] and mine["endedAt"].endswith("Z")
    [message] = call_messages(live_server, ada, conversation_id)
    assert message["text"] == "Video call" and message["from"] == me.id
    assert message["call"] == {"callId": call_id, "type": "video", "outcome": "answered", "duration": mine["duration"]}


def test_the_callee_declines(live_server, connect, people):
    me, ada, _, conversation_id = people
    caller, callee = connect(live_server.base, me.token), connect(live_server.base, ada.token)
    call_id = invite(caller, ada)
    callee.wait_for("call:invite")
    callee.call("call:hangup", {"callId": call_id})
    assert caller.wait_for("call:hangup")["reason"] == "declined"
    assert history(live_server, me)[0]["outcome"] == "declined"
    assert [m["text"] for m in call_messages(live_server, me, conversation_id)] == ["Declined voice call"]


def test_the_caller_cancels(live_server, connect, people):
    me, ada, _, conversation_id = people
    caller, callee = connect(live_server.base, me.token), connect(live_server.base, ada.token)
    call_id = invite(caller, ada)
    callee.wait_for("call:invite")
    caller.call("call:hangup", {"callId": call_id, "reason": "changed_my_mind"})
    assert callee.wait_for("call:hangup")["reason"] == "cancelled"
    assert history(live_server, ada)[0]["outcome"] == "cancelled"
    assert call_messages(live_server, ada, conversation_id) == []
    assert callee.call("call:answer", {"callId": call_id, "answer": ANSWER})["error"]["code"] == "call_not_found"


def test_a_busy_callee_is_not_disturbed_and_the_missed_call_is_recorded(live_server, connect, people):
    me, ada, bo, conversation_id = people
    open_chat(live_server.base, bo, ada)
    ada_phone, bo_phone = connect(live_server.base, ada.token), connect(live_server.base, bo.token)
    first = invite(bo_phone, ada)
    ada_phone.wait_for("call:invite")

    caller = connect(live_server.base, me.token)
    second = invite(caller, ada)
    assert caller.wait_for("call:hangup")["callId"] == second and hangups(caller, second)[0]["reason"] == "busy"
    time.sleep(0.3)
    assert [i["callId"] for i in ada_phone.received("call:invite")] == [first]
    assert history(live_server, me)[0]["outcome"] == "busy"
    assert [m["text"] for m in call_messages(live_server, ada, conversation_id)] == ["Missed voice call"]
    assert unread_count(live_server, ada, conversation_id) == 1
    bo_phone.call("call:hangup", {"callId": first})


def test_an_unanswered_call_times_out_once_on_both_sides(live_server, connect, people):
    me, ada, _, conversation_id = people
    caller, callee = connect(live_server.base, me.token), connect(live_server.base, ada.token)
    started = time.monotonic()
    call_id = invite(caller, ada, "video")
    assert caller.wait_for("call:hangup", timeout=8)["reason"] == "timeout"
    assert callee.wait_for("call:hangup", timeout=2)["reason"] == "timeout"
    assert time.monotonic() - started >= 2.9  # CALL_TIMEOUT_SECONDS=3
    time.sleep(1.5)
    assert len(hangups(caller, call_id)) == len(hangups(callee, call_id)) == 1
    assert history(live_server, ada)[0]["outcome"] == "missed"
    assert [m["text"] for m in call_messages(live_server, ada, conversation_id)] == ["Missed video call"]
    assert unread_count(live_server, ada, conversation_id) == 1


def answered(live_server, connect, people):
    me, ada, _, _ = people
    caller, callee = connect(live_server.base, me.token), connect(live_server.base, ada.token)
    call_id = invite(caller, ada)
    callee.wait_for("call:invite")
    callee.call("call:answer", {"callId": call_id, "answer": ANSWER})
    caller.wait_for("call:answer")
    return caller, callee, call_id


def test_a_party_that_does_not_come_back_ends_the_call(live_server, connect, people):
    caller, callee, call_id = answered(live_server, connect, people)
    callee.close()
    left = time.monotonic()
    assert caller.wait_for("call:hangup", timeout=6)["reason"] == "disconnected"
    assert time.monotonic() - left >= 1.4  # CALL_RECONNECT_GRACE_SECONDS=1.5
    record = history(live_server, people[0])[0]
    assert record["outcome"] == "answered" and record["reason"] == "disconnected"


def test_a_caller_gone_while_it_rings_fails_the_call(live_server, connect, people):
    me, ada, _, conversation_id = people
    caller, callee = connect(live_server.base, me.token), connect(live_server.base, ada.token)
    call_id = invite(caller, ada)
    callee.wait_for("call:invite")
    caller.close()
    assert callee.wait_for("call:hangup", timeout=6)["reason"] == "disconnected"
    record = history(live_server, ada)[0]
    assert record["id"] == call_id and record["outcome"] == "failed" and record["answeredAt"] is None
    assert call_messages(live_server, ada, conversation_id) == []


def test_a_party_that_reconnects_within_the_grace_period_keeps_the_call(live_server, connect, people):
    me, ada, _, _ = people
    caller, callee, call_id = answered(live_server, connect, people)
    caller.close()
    time.sleep(0.5)
    back = connect(live_server.base, me.token)
    time.sleep(2)  # past the grace period
    assert not hangups(callee, call_id)
    callee.call("call:candidate", {"callId": call_id, "candidate": "after-reconnect"})
    assert back.wait_for("call:candidate")["candidate"] == "after-reconnect"
    back.call("call:hangup", {"callId": call_id})
    assert callee.wait_for("call:hangup")["reason"] == "ended"


def test_a_device_that_connects_while_it_rings_is_rung_too(live_server, connect, people):
    me, ada, _, _ = people
    caller = connect(live_server.base, me.token)
    call_id = invite(caller, ada, "video")
    late = connect(live_server.base, ada.token)
    ringing = late.wait_for("call:invite")
    assert ringing["callId"] == call_id and ringing["offer"] == OFFER and ringing["from"]["id"] == me.id
    assert late.call("call:answer", {"callId": call_id, "answer": ANSWER})["ok"] is True
    caller.call("call:hangup", {"callId": call_id})


def test_call_entries_cannot_be_edited(live_server, connect, people):
    me, ada, _, conversation_id = people
    caller = connect(live_server.base, me.token)
    caller.call("call:hangup", {"callId": invite(caller, ada)})  # cancelled: no entry
    call_id = invite(caller, ada)
    connect(live_server.base, ada.token).call("call:hangup", {"callId": call_id})  # declined
    [entry] = call_messages(live_server, me, conversation_id)
    edit = requests.patch(f"{live_server.base}/messages/{entry['id']}", json={"text": "forged"}, headers=me.headers)
    assert edit.status_code == 403 and edit.json()["code"] == "not_editable"


def test_a_ringing_device_that_leaves_changes_nothing(live_server, connect, people):
    me, ada, _, _ = people
    caller = connect(live_server.base, me.token)
    ada_phone, ada_laptop = connect(live_server.base, ada.token), connect(live_server.base, ada.token)
    call_id = invite(caller, ada)
    ada_phone.wait_for("call:invite")
    ada_laptop.wait_for("call:invite")
    ada_phone.close()
    time.sleep(2)  # past the grace period
    assert not hangups(caller, call_id) and not hangups(ada_laptop, call_id)
    assert ada_laptop.call("call:answer", {"callId": call_id, "answer": ANSWER})["ok"] is True
    caller.call("call:hangup", {"callId": call_id})


def test_only_the_two_parties_may_act_on_a_call(live_server, connect, people):
    me, ada, bo, _ = people
    open_chat(live_server.base, me, bo)  # so that calling Bo is allowed, were Me not busy
    caller, callee = connect(live_server.base, me.token), connect(live_server.base, ada.token)
    stranger = connect(live_server.base, bo.token)
    call_id = invite(caller, ada)
    callee.wait_for("call:invite")

    for event, payload in (("call:answer", {"callId": call_id, "answer": ANSWER}),
                           ("call:candidate", {"callId": call_id, "candidate": "x"}),
                           ("call:hangup", {"callId": call_id})):
        assert stranger.call(event, payload)["error"]["code"] == "call_not_found"
    unknown = "5f1d7c0e2b3a4c5d6e7f8091"
    assert caller.call("call:hangup", {"callId": unknown})["error"]["code"] == "call_not_found"
    assert caller.call("call:answer", {"callId": call_id, "answer": ANSWER})["error"]["code"] == "not_callee"
    assert callee.call("call:candidate", {"callId": call_id, "candidate": "x"})["error"]["code"] == "not_call_device"
    assert caller.call("call:invite", {"to": bo.id, "offer": OFFER})["error"]["code"] == "already_in_call"
    assert not stranger.received("call:invite") and stranger.sio.connected
    caller.call("call:hangup", {"callId": call_id})


@pytest.mark.parametrize("event, payload", [
    ("call:invite", {"type": "audio", "offer": OFFER}),
    ("call:invite", {"to": "nope", "offer": OFFER}),
    ("call:invite", {"to": "5f1d7c0e2b3a4c5d6e7f8091", "type": "hologram", "offer": OFFER}),
    ("call:invite", {"to": "5f1d7c0e2b3a4c5d6e7f8091", "offer": 42}),
    ("call:invite", {"to": "5f1d7c0e2b3a4c5d6e7f8091", "offer": {"type": "offer", "sdp": "x" * 70_000}}),
    ("call:invite", {"to": {"$ne": None}, "offer": OFFER}),
    ("call:answer", {"callId": "5f1d7c0e2b3a4c5d6e7f8091", "answer": {"sdp": {"nested": {"deep": 1}}}}),
    ("call:candidate", {"callId": "5f1d7c0e2b3a4c5d6e7f8091", "candidate": {"candidate": "c", "extra": {"a": 1}}}),
    ("call:candidate", {"callId": "5f1d7c0e2b3a4c5d6e7f8091"}),
    ("call:hangup", {"callId": "5f1d7c0e2b3a4c5d6e7f8091", "reason": "<script>"}),
    ("call:hangup", ["not", "an", "object"]),
    ("call:hangup", None),
])
def test_malformed_payloads_get_an_error_ack_and_the_connection_stays(live_server, connect, people, event, payload):
    me, ada, _, _ = people
    device = connect(live_server.base, me.token)
    assert device.call(event, payload)["error"]["code"] == "validation_error"
    assert device.sio.connected
    call_id = invite(device, ada)
    device.call("call:hangup", {"callId": call_id})


def test_calling_yourself_a_blocked_user_or_a_stranger_is_refused(live_server, connect, people):
    me, ada, bo, _ = people
    device = connect(live_server.base, me.token)
    assert device.call("call:invite", {"to": me.id, "offer": OFFER})["error"]["code"] == "cannot_call_self"
    assert device.call("call:invite", {"to": bo.id, "offer": OFFER})["error"]["code"] == "chat_request_required"
    requests.post(f"{live_server.base}/users/{me.id}/block", headers=ada.headers)
    assert device.call("call:invite", {"to": ada.id, "offer": OFFER})["error"]["code"] == "user_not_found"
    assert history(live_server, me) == []


def test_an_invite_may_name_the_direct_conversation_but_no_other(live_server, connect, people):
    me, ada, bo, conversation_id = people
    other = open_chat(live_server.base, me, bo)
    device = connect(live_server.base, me.token)
    refused = device.call("call:invite", {"to": ada.id, "offer": OFFER, "conversationId": other})
    assert refused["error"]["code"] == "invalid_conversation"
    call_id = invite(device, ada, conversationId=conversation_id)
    device.call("call:hangup", {"callId": call_id})


def test_history_pages_newest_first_and_needs_a_token(live_server, connect, people):
    me, ada, _, _ = people
    device = connect(live_server.base, me.token)
    ids = []
    for _ in range(3):
        ids.append(invite(device, ada))
        device.call("call:hangup", {"callId": ids[-1]})
    response = requests.get(f"{live_server.base}/calls", params={"page": 1, "limit": 2}, headers=me.headers).json()
    assert [c["id"] for c in response["calls"]] == ids[::-1][:2]
    assert response["pagination"] == {"page": 1, "limit": 2, "total": 3, "hasMore": True}
    assert requests.get(f"{live_server.base}/calls").status_code == 401
    assert requests.get(f"{live_server.base}/calls", params={"limit": 0}, headers=me.headers).status_code == 400


def test_ice_servers_carry_turn_credentials_coturn_accepts(live_server, people):
    me = people[0]
    response = requests.get(f"{live_server.base}/calls/ice-servers", headers=me.headers)
    assert response.status_code == 200
    stun, turn = response.json()["iceServers"]
    assert stun == {"urls": ["stun:stun.example.org:3478"]}
    assert turn["urls"] == ["turn:turn.example.org:3478?transport=udp"]
    expiry, user_id = turn["username"].split(":")
    assert user_id == me.id and 590 <= int(expiry) - time.time() <= 610  # TURN_TTL_SECONDS=600
    expected = base64.b64encode(hmac.new(TURN_SECRET.encode(), turn["username"].encode(), hashlib.sha1).digest())
    assert turn["credential"] == expected.decode()
    assert requests.get(f"{live_server.base}/calls/ice-servers").status_code == 401


def test_without_redis_one_process_keeps_call_state_in_memory(module_webhook, connect):
    server = LiveServer(f"{sys.executable} wsgi.py", webhook=module_webhook, REDIS_URL="", OTP_SENDER="webhook",
                        OTP_WEBHOOK_URL=module_webhook.url, CALL_TIMEOUT_SECONDS=1, DEADLINE_TICK_SECONDS=0.1)
    try:
        me, ada = server.register(name="Me"), server.register(name="Ada")
        open_chat(server.base, me, ada)
        caller, callee = connect(server.base, me.token), connect(server.base, ada.token)
        call_id = invite(caller, ada)
        callee.wait_for("call:invite")
        callee.call("call:answer", {"callId": call_id, "answer": ANSWER})
        assert caller.wait_for("call:answer")["answer"] == ANSWER
        time.sleep(1.5)  # past the ring timeout: an answered call does not time out
        caller.call("call:hangup", {"callId": call_id})
        assert callee.wait_for("call:hangup")["reason"] == "ended" and len(hangups(callee, call_id)) == 1
        missed = invite(caller, ada)
        assert callee.wait_for("call:hangup", lambda h: h["callId"] == missed, timeout=5)["reason"] == "timeout"
    finally:
        server.stop()
