"""Searching messages: only what the caller could scroll to.

`GET /messages/search?q=` finds the caller's messages holding every word of `q` (the last one
may be unfinished, unless `q` ends with a space or punctuation), case and accents ignored,
newest first; `conversationId` keeps to one chat,
`from` to one sender, `before` (`nextCursor`) pages on. Deleted messages, messages deleted for
the caller, history they cleared and chats they left are never found.
"""
from apifairy import authenticate, other_responses, response
from flask import Blueprint

from backend2.middlewares.auth import current_user, token_auth
from backend2.middlewares.validation import query_args
from backend2.schemas.message_search import SearchQuerySchema, SearchResultsSchema
from backend2.services.messages import message_search

message_search_bp = Blueprint("message_search", __name__, url_prefix="/messages")


@message_search_bp.get("/search")
@authenticate(token_auth)
@query_args(SearchQuerySchema)
@response(SearchResultsSchema)
@other_responses({400: "No words to search for, or a bad cursor", 404: "No such conversation of the caller"})
def search(query):
    """Search the caller's messages"""
    items, pagination = message_search.search(current_user(), query)
    return {"messages": items, "pagination": pagination}
