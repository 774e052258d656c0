"""Chat requests: how a user reaches someone who is not in their contacts.

There is at most one pending request between two people, either way: sending one when theirs
is waiting accepts theirs. Only the recipient accepts or rejects, only the sender cancels, and
a request answered once stays answered (409 `chat_request_closed`). Accepting opens the direct
conversation. Someone who set `requestsFromStrangers: false` (`PATCH /users/me`) takes requests
only from people in their contacts (403 `requests_closed`), and one account sends at most
`RATE_LIMIT_CHAT_REQUESTS` (20 a day; 429 `rate_limited`).
"""
from apifairy import authenticate, other_responses, response
from flask import Blueprint

from backend2.controllers.conversations import conversation_response
from backend2.middlewares.auth import current_user, token_auth
from backend2.middlewares.validation import json_body, query_args
from backend2.schemas.chat_requests import (
    ChatRequestCreateSchema,
    ChatRequestListSchema,
    ChatRequestQuerySchema,
    ChatRequestSchema,
)
from backend2.schemas.conversations import ConversationSchema
from backend2.services.conversations import chat_requests

chat_requests_bp = Blueprint("chat_requests", __name__, url_prefix="/chat-requests")

ANSWER_ERRORS = {403: "Not the recipient", 404: "No such request of the caller", 409: "Already answered"}


@chat_requests_bp.post("")
@authenticate(token_auth)
@json_body(ChatRequestCreateSchema)
@response(ChatRequestSchema, 201)
@other_responses({200: "The pending request already sent, or theirs, now accepted",
                  404: "Unknown or blocked user", 409: "No request is needed"})
def send(data):
    """Ask to chat with someone who is not in your contacts"""
    request, created = chat_requests.send_request(current_user(), data["to"], data["message"])
    return request, 201 if created else 200


@chat_requests_bp.get("")
@authenticate(token_auth)
@query_args(ChatRequestQuerySchema)
@response(ChatRequestListSchema)
def list_all(query):
    """The caller's chat requests, each with the other user's public profile"""
    return {"requests": chat_requests.list_requests(current_user(), query["direction"], query["status"])}


@chat_requests_bp.post("/<request_id>/accept")
@authenticate(token_auth)
@response(ConversationSchema)
@other_responses(ANSWER_ERRORS)
def accept(request_id):
    """Accept a request (recipient); returns the direct conversation"""
    return conversation_response(chat_requests.accept_request(current_user(), request_id))


@chat_requests_bp.post("/<request_id>/reject")
@authenticate(token_auth)
@response(ChatRequestSchema)
@other_responses(ANSWER_ERRORS)
def reject(request_id):
    """Reject a request (recipient)"""
    return chat_requests.reject_request(current_user(), request_id)


@chat_requests_bp.delete("/<request_id>")
@authenticate(token_auth)
@response(ChatRequestSchema)
@other_responses({**ANSWER_ERRORS, 403: "Not the sender"})
def cancel(request_id):
    """Cancel a request (sender)"""
    return chat_requests.cancel_request(current_user(), request_id)
