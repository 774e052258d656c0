"""Limits that a socket cannot walk around: messages, typing and calls spend account budgets
shared with REST and across processes; every connection has a budget of its own; a connection
that keeps flooding after its warnings is closed."""
import time

import pytest
import requests

from support.people import open_chat
from support.servers import Cluster

pytestmark = pytest.mark.redis
OFFER = {"type": "offer", "sdp": "v=0\r\n"}


@pytest.fixture(scope="module")
def cluster(module_webhook):
    running = Cluster(module_webhook, RATE_LIMIT_MESSAGES="6 per minute", RATE_LIMIT_TYPING="3 per minute",
                      RATE_LIMIT_CALLS="1 per minute", RATE_LIMIT_SOCKET_EVENTS="30 per minute",
                      SOCKET_FLOOD_WARNINGS=5)
    yield running
    running.close()


@pytest.fixture
def pair(cluster):
    first, second = cluster.servers
    me, ada = first.register(name="Me"), second.register(name="Ada")
    return me, ada, open_chat(first.base, me, ada)


def limited(ack):
    return isinstance(ack, dict) and ack.get("error", {}).get("code") == "rate_limited"


def test_messages_over_rest_and_sockets_on_two_processes_share_one_budget(cluster, connect, pair):
    me, ada, chat = pair
    first, second = cluster.servers
    for n in range(3):
        response = requests.post(f"{first.base}/messages", headers=me.headers,
                                 json={"conversationId": chat, "text": f"{n}"})
        assert response.status_code == 201, response.text
    socket = connect(second.base, me.token)
    acks = [socket.call("message", {"conversationId": chat, "text": f"socket {n}"}) for n in range(4)]

    assert [limited(ack) for ack in acks] == [False, False, False, True]
    assert acks[3]["error"]["retryAfter"] >= 1
    response = requests.post(f"{first.base}/messages", headers=me.headers, json={"conversationId": chat, "text": "x"})
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    assert socket.call("presence", {"userIds": [ada.id]})["users"]  # the connection stays up and serves


def test_typing_and_calls_have_budgets_of_their_own(cluster, connect, pair):
    me, ada, chat = pair
    socket = connect(cluster.servers[1].base, me.token)
    typing = [socket.call("typing", {"conversationId": chat}) for _ in range(4)]
    assert [limited(ack) for ack in typing] == [False, False, False, True]
    first_call = socket.call("call:invite", {"to": ada.id, "type": "audio", "offer": OFFER})
    assert "callId" in first_call, first_call
    socket.call("call:hangup", {"callId": first_call["callId"]})
    assert limited(socket.call("call:invite", {"to": ada.id, "type": "audio", "offer": OFFER}))


def test_a_connection_that_keeps_flooding_after_its_warnings_is_closed(cluster, connect, pair):
    me, ada, _ = pair
    calm = connect(cluster.servers[0].base, me.token)
    flood = connect(cluster.servers[0].base, me.token)
    acks = []
    while flood.sio.connected and len(acks) < 60:
        try:
            acks.append(flood.call("presence", {"userIds": [ada.id]}, timeout=2))
        except Exception:  # the server closed it meanwhile: no ack comes
            break
    assert sum(1 for ack in acks if not limited(ack)) == 30  # the connection's budget
    assert 1 <= sum(1 for ack in acks if limited(ack)) <= 5
    deadline = time.monotonic() + 5
    while flood.sio.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not flood.sio.connected
    assert flood.received("error", lambda e: e["code"] == "rate_limited" and e["event"] == "disconnect")
    assert calm.call("presence", {"userIds": [ada.id]})["users"]  # another device of the account is untouched
