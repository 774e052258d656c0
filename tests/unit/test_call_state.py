"""The live state of calls in Redis: who is busy, and changes that two processes racing can
never both win."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from backend2.services.calls import call_state

pytestmark = pytest.mark.redis


@pytest.fixture
def state(make_app):
    app = make_app(use_redis=True)
    with app.app_context():
        yield call_state


def test_a_user_is_in_one_call_at_a_time(state):
    assert state.claim_user("ada", "call-1") is True
    assert state.claim_user("ada", "call-2") is False
    assert state.call_of_user("ada") == "call-1"
    state.release_user("ada", "call-2")  # not this call's claim: nothing happens
    assert state.call_of_user("ada") == "call-1"
    state.release_user("ada", "call-1")
    assert state.claim_user("ada", "call-2") is True


def test_of_many_racing_to_take_a_call_exactly_one_gets_it(state, make_app):
    state.start("call-1", {"caller": "ada", "callee": "bo"}, "device-a")
    app = make_app(use_redis=True)

    def take(_):
        with app.app_context():
            return call_state.take("call-1")

    with ThreadPoolExecutor(max_workers=8) as pool:
        taken = [call for call in pool.map(take, range(16)) if call]
    assert len(taken) == 1 and taken[0]["caller"] == "ada" and taken[0]["state"] == "ringing"
    assert state.get("call-1") is None


def test_a_change_applies_to_the_call_as_it_is_now(state):
    state.start("call-1", {"caller": "ada", "callee": "bo"}, "device-a")
    answer = lambda call: {"state": "active", "calleeDevice": "device-b"} if call["state"] == "ringing" else None  # noqa: E731
    before, changes = state.change("call-1", answer)
    assert before["state"] == "ringing" and changes["calleeDevice"] == "device-b"
    assert state.change("call-1", answer) == (state.get("call-1"), None)  # answered already: declined
    assert state.change("no-such-call", answer) == (None, None)


def test_candidates_are_held_in_order_only_while_it_rings(state):
    state.start("call-1", {"caller": "ada", "callee": "bo"}, "device-a")
    assert state.hold_candidate("call-1", {"candidate": "one"}) and state.hold_candidate("call-1", "two")
    state.change("call-1", lambda call: {"state": "active"})
    assert state.hold_candidate("call-1", "three") is False
    assert state.release_held("call-1") == [{"candidate": "one"}, "two"]
    assert state.release_held("call-1") == []


def test_devices_are_linked_to_their_call_and_forgotten_only_for_it(state):
    state.start("call-1", {"caller": "ada", "callee": "bo"}, "device-a")
    state.link_device("device-b", "call-2")
    assert state.call_of_device("device-a") == "call-1"
    state.forget_devices("call-1", ["device-a", "device-b", None])
    assert state.call_of_device("device-a") is None and state.call_of_device("device-b") == "call-2"
