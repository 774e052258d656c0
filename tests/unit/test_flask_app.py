"""A Socket.IO event's request context is not routed (backend2/infra/flask_app.py); a
request's still is."""
from flask import request


def test_a_socket_event_context_has_no_url_adapter_and_a_request_is_routed(app):
    with app.test_request_context("/socket.io/?EIO=4&transport=websocket") as context:
        assert context.url_adapter is None
        assert request.url_rule is None and request.routing_exception is None
    with app.test_request_context("/health") as context:
        assert context.url_adapter is not None and request.url_rule.rule == "/health"
    with app.test_request_context("/socket.iox") as context:
        assert request.routing_exception is not None  # a 404 like any unknown path
