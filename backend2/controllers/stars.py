"""Starred messages: the caller's own bookmarks, which nobody else sees.

Starring twice is one star; unstarring one that is not starred changes nothing. The list is
most recently starred first, paged by `before` (`nextCursor`); messages the caller can no longer
see (deleted, deleted for them, cleared, or in a chat they left) stay out of it, so a page may
hold fewer than `limit`.
"""
from apifairy import authenticate, other_responses, response
from flask import Blueprint

from backend2.middlewares.auth import current_user, token_auth
from backend2.middlewares.validation import query_args
from backend2.schemas.stars import StarredListSchema, StarredQuerySchema, StarSchema
from backend2.services.messages import stars

stars_bp = Blueprint("stars", __name__, url_prefix="/messages")

NOT_FOUND = {404: "No such message in the caller's conversations"}


@stars_bp.get("/starred")
@authenticate(token_auth)
@query_args(StarredQuerySchema)
@response(StarredListSchema)
def starred(query):
    """The caller's starred messages, most recently starred first"""
    items, pagination = stars.starred(current_user(), query.get("before"), query["limit"])
    return {"messages": items, "pagination": pagination}


@stars_bp.put("/<message_id>/star")
@authenticate(token_auth)
@response(StarSchema)
@other_responses({**NOT_FOUND, 409: "The message was deleted"})
def star(message_id):
    """Star a message for oneself"""
    return stars.star(current_user(), message_id)


@stars_bp.delete("/<message_id>/star")
@authenticate(token_auth)
@response(StarSchema)
@other_responses(NOT_FOUND)
def unstar(message_id):
    """Unstar a message"""
    return stars.unstar(current_user(), message_id)
