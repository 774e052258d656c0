"""Calls whose parties are on different server processes sharing Redis, also when one dies."""
import signal
import time

import pytest
import requests

from support.people import open_chat

pytestmark = pytest.mark.redis
CLUSTER_SETTINGS = {"CALL_TIMEOUT_SECONDS": 3, "CALL_RECONNECT_GRACE_SECONDS": 1.5, "PRESENCE_TTL_SECONDS": 3,
                    "DEADLINE_TICK_SECONDS": 0.1}
OFFER = {"type": "offer", "sdp": "v=0 offer"}
ANSWER = {"type": "answer", "sdp": "v=0 answer"}


def pair_on(server, first="Me", second="Ada"):
    me, ada = server.register(name=first), server.register(name=second)
    return me, ada, open_chat(server.base, me, ada)


def test_a_call_between_processes(cluster, connect):
    a, b = cluster.servers
    me, ada, conversation_id = pair_on(a)
    caller = connect(a.base, me.token)
    ada_on_a, ada_on_b = connect(a.base, ada.token), connect(b.base, ada.token)

    call_id = caller.call("call:invite", {"to": ada.id, "type": "video", "offer": OFFER})["callId"]
    for device in (ada_on_a, ada_on_b):
        assert device.wait_for("call:invite")["callId"] == call_id
    caller.call("call:candidate", {"callId": call_id, "candidate": "held"})
    assert ada_on_b.call("call:answer", {"callId": call_id, "answer": ANSWER})["ok"] is True
    assert caller.wait_for("call:answer")["answer"] == ANSWER
    assert ada_on_b.wait_for("call:candidate")["candidate"] == "held"
    assert ada_on_a.wait_for("call:hangup")["reason"] == "answered_elsewhere"
    ada_on_b.call("call:candidate", {"callId": call_id, "candidate": "back"})
    assert caller.wait_for("call:candidate")["candidate"] == "back"

    ada_on_b.call("call:hangup", {"callId": call_id})
    assert caller.wait_for("call:hangup")["reason"] == "ended"
    assert requests.get(f"{b.base}/calls", headers=me.headers).json()["calls"][0]["outcome"] == "answered"


# Last in the module: it kills process B.
def test_calls_end_when_the_inviting_process_dies(cluster, connect):
    """A ringing call still times out, once; an answered call ends as disconnected."""
    a, b = cluster.servers
    me, ada, conversation_id = pair_on(a)
    bo, cy, _ = pair_on(a, "Bo", "Cy")
    ringing_caller, talking_caller = connect(b.base, me.token), connect(b.base, bo.token)
    ada_device, cy_device = connect(a.base, ada.token), connect(a.base, cy.token)

    ringing = ringing_caller.call("call:invite", {"to": ada.id, "offer": OFFER})["callId"]
    ada_device.wait_for("call:invite")
    talking = talking_caller.call("call:invite", {"to": cy.id, "offer": OFFER})["callId"]
    cy_device.wait_for("call:invite")
    cy_device.call("call:answer", {"callId": talking, "answer": ANSWER})
    talking_caller.wait_for("call:answer")

    b.process.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    assert ada_device.wait_for("call:hangup", timeout=8)["reason"] == "timeout"
    assert cy_device.wait_for("call:hangup", timeout=10)["reason"] == "disconnected"
    assert time.monotonic() - killed_at < 3 + 1.5 + 2  # PRESENCE_TTL + grace, plus sweeping
    time.sleep(1)
    assert len(ada_device.received("call:hangup")) == 1 and len(cy_device.received("call:hangup")) == 1
    assert requests.get(f"{a.base}/calls", headers=ada.headers).json()["calls"][0]["outcome"] == "missed"
    talk = requests.get(f"{a.base}/calls", headers=cy.headers).json()["calls"][0]
    assert talk["id"] == talking and (talk["outcome"], talk["reason"]) == ("answered", "disconnected")
    messages = requests.get(f"{a.base}/messages", params={"conversationId": conversation_id}, headers=ada.headers).json()
    assert [m["text"] for m in messages["messages"] if m["type"] == "call"] == ["Missed voice call"]
    assert ringing in {c["id"] for c in requests.get(f"{a.base}/calls", headers=me.headers).json()["calls"]}
