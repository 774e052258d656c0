"""Reactions to messages: one per person per emoji.

A message's `reactions` is `[{emoji, count, userIds (the first three), mine}]`, in the order
the emoji were first used. An emoji is exactly one emoji, skin tones and joined sequences
included (400 `invalid_emoji`); a message takes at most `REACTIONS_MAX_DISTINCT` different ones
(409 `too_many_reactions`) and none once deleted (409 `message_deleted`). Adding a reaction the
caller has, or removing one they have not, changes nothing. Every device of every participant
gets `message_reaction`; reactions share the message budget (`RATE_LIMIT_MESSAGES`).
"""
from apifairy import authenticate, other_responses, response
from flask import Blueprint

from backend2.middlewares.auth import current_user, token_auth
from backend2.middlewares.validation import json_body
from backend2.schemas.messages import MessageSchema
from backend2.schemas.reactions import ReactionInputSchema
from backend2.services.messages import reactions
from backend2.services.messages.message_views import present_one

reactions_bp = Blueprint("reactions", __name__, url_prefix="/messages")

ERRORS = {400: "Not exactly one emoji", 404: "No such message in the caller's conversations",
          409: "Deleted, or too many different reactions"}


def _presented(message, conversation):
    return present_one(current_user().id, message, conversation)


@reactions_bp.put("/<message_id>/reactions")
@authenticate(token_auth)
@json_body(ReactionInputSchema)
@response(MessageSchema)
@other_responses(ERRORS)
def add(data, message_id):
    """React to a message with an emoji"""
    return _presented(*reactions.react(current_user(), message_id, data["emoji"]))


@reactions_bp.delete("/<message_id>/reactions/<emoji>")
@authenticate(token_auth)
@response(MessageSchema)
@other_responses(ERRORS)
def remove(message_id, emoji):
    """Take back a reaction (the emoji URL-encoded in the path)"""
    return _presented(*reactions.react(current_user(), message_id, emoji, added=False))
