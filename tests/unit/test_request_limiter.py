"""Flask-Limiter's teardown (backend2/infra/request_limiter.py) makes no state for a request
that kept none, as a Socket.IO event's context is, and resets the state of one that did."""
from backend2.extensions import limiter


def test_a_context_the_limiter_never_looked_at_is_left_without_its_state(app):
    with app.test_request_context("/socket.io/?EIO=4&transport=websocket") as context:
        pass
    assert not hasattr(context, "_limiter_request_context")


def test_a_context_with_limiter_state_has_it_reset_at_teardown(app):
    with app.test_request_context("/health") as context:
        state = limiter.context
        state.view_rate_limits.append("a limit checked for this request")
        state.conditional_deductions["a limit"] = ["a key"]
    assert state.view_rate_limits == [] and state.conditional_deductions == {}
    assert context._limiter_request_context[limiter] is state
