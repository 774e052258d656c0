"""Pinned messages: up to `PINS_MAX` per conversation, for every participant to see.

Anyone in the chat pins and unpins, except in a group with `onlyAdminsCanPin` (403
`admin_required`). One more than `PINS_MAX` is 409 `too_many_pins`; pinning a pinned message
changes nothing; deleting a message unpins it. Every device of every participant gets
`message_pinned` / `message_unpinned`; a conversation's `pins` lists `{messageId, pinnedBy,
pinnedAt}`, oldest first.
"""
from apifairy import authenticate, other_responses, response
from flask import Blueprint

from backend2.middlewares.auth import current_user, token_auth
from backend2.schemas.message_pins import PinnedMessagesSchema, PinsSchema
from backend2.services.messages import message_pins

message_pins_bp = Blueprint("message_pins", __name__)

NOT_FOUND = {404: "No such message in the caller's conversations"}


@message_pins_bp.put("/messages/<message_id>/pin")
@authenticate(token_auth)
@response(PinsSchema)
@other_responses({**NOT_FOUND, 403: "Admins only in this group", 409: "Deleted, or PINS_MAX pinned already"})
def pin(message_id):
    """Pin a message in its conversation; answers the conversation's pins"""
    return message_pins.pin(current_user(), message_id)[1]


@message_pins_bp.delete("/messages/<message_id>/pin")
@authenticate(token_auth)
@response(PinsSchema)
@other_responses({**NOT_FOUND, 403: "Admins only in this group"})
def unpin(message_id):
    """Unpin a message; answers the conversation's pins"""
    return message_pins.unpin(current_user(), message_id)[1]


@message_pins_bp.get("/conversations/<conversation_id>/pins")
@authenticate(token_auth)
@response(PinnedMessagesSchema)
@other_responses({404: "No such conversation of the caller"})
def pinned(conversation_id):
    """A conversation's pinned messages, oldest pin first"""
    return {"messages": message_pins.pinned_messages(current_user(), conversation_id)}
