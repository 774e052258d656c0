"""Forwarding a message to up to `FORWARD_MAX_TARGETS` of the caller's conversations.

Each target gets a copy from the caller with `forwarded: true` and `forwardCount` (hops from
the first sender; `forwardedManyTimes` from 5). Attachments are the same files, not uploaded
again, and the target's members may fetch them from then on. Targets succeed or fail one by
one: each result is `{conversationId, ok, message}` or `{conversationId, ok: false, error: {code,
message}}` with the error a send there would get (not a member, blocked, announcements only,
rate limited). A deleted message (409), a call or system entry (403 `not_forwardable`) or one
the caller cannot see (404) forwards nowhere.
"""
from apifairy import authenticate, other_responses, response
from flask import Blueprint

from backend2.middlewares.auth import current_user, token_auth
from backend2.middlewares.validation import json_body
from backend2.schemas.forwarding import ForwardInputSchema, ForwardResultsSchema
from backend2.services.messages import forwarding
from backend2.services.messages.message_views import forward_results

forwarding_bp = Blueprint("forwarding", __name__, url_prefix="/messages")


@forwarding_bp.post("/<message_id>/forward")
@authenticate(token_auth)
@json_body(ForwardInputSchema)
@response(ForwardResultsSchema)
@other_responses({400: "No targets or too many", 403: "A call or system entry", 404: "No such message of the caller",
                  409: "The message was deleted"})
def forward(data, message_id):
    """Forward a message to other conversations; one result per target"""
    user = current_user()
    return {"results": forward_results(user.id, forwarding.forward(user, message_id, data["conversationIds"]))}
