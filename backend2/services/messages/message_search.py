"""Searching the caller's messages: only what they could scroll to.

Every word of the query must be a word of the message, the last one possibly unfinished
("see you tomor" finds "See you tomorrow!") unless the query ends after it (a space, a
punctuation mark), case and accents folded (utils/search_terms.py).
Results are the caller's conversations' messages that are not deleted, not deleted for them
and not cleared from their history, newest first, paged by `before` (the last result's id).
MongoDB serves it from the multikey index on `searchTerms` (with `createdAt` for the order);
bench/search.py measures it.
"""
import re

from backend2.errors import Codes, ValidationFailed
from backend2.models import Conversation, Message
from backend2.services.conversations.conversation_settings import cleared_at
from backend2.services.conversations.lookup import conversation_for, member_id_of
from backend2.services.messages.message_views import present_messages
from backend2.utils.ids import parse_object_id
from backend2.utils.search_terms import words

MAX_QUERY_WORDS = 10


def search(user, query):
    """(messages, pagination) for GET /messages/search."""
    terms = words(query["q"])[:MAX_QUERY_WORDS]
    if not terms:
        raise ValidationFailed("Search for at least one word", details={"q": ["No words to search for"]})
    if "conversationId" in query:
        conversations = [conversation_for(user, query["conversationId"])]
    else:
        conversations = list(Conversation.objects(participants=user.id))
    if not conversations:
        return [], {"limit": query["limit"], "hasMore": False, "nextCursor": None}
    unfinished = bool(re.search(r"\w$", query["q"]))
    clauses = [_words_clause(terms, unfinished), _scope_clause(user, conversations),
               {"deleted": {"$ne": True}, "hiddenFor": {"$ne": user.id}}]
    if "from" in query:
        clauses.append({"sender": member_id_of(user, query["from"])})
    if "before" in query:
        clauses.append(_before_clause(query["before"]))
    found = list(Message.objects(__raw__={"$and": clauses}).order_by("-created_at", "-id").exclude("edits")
                 .limit(query["limit"] + 1))
    has_more = len(found) > query["limit"]
    found = found[:query["limit"]]
    pagination = {"limit": query["limit"], "hasMore": has_more, "nextCursor": str(found[-1].id) if has_more else None}
    return present_messages(user.id, found, {c.id: c for c in conversations}), pagination


def _words_clause(terms, unfinished):
    """Whole words are equalities on the index (newest first, as stored); an unfinished last word
    is a range of it."""
    if not unfinished:
        return {"searchTerms": {"$all": terms}}
    *whole, last = terms
    clause = {"searchTerms": {"$regex": "^" + re.escape(last)}}
    return {"$and": [{"searchTerms": {"$all": whole}}, clause]} if whole else clause


def _scope_clause(user, conversations):
    """The conversations, each from the caller's clear of its history on."""
    uncleared = [c.id for c in conversations if cleared_at(c, user.id) is None]
    clauses = [{"conversation": {"$in": uncleared}}] if uncleared else []
    clauses += [{"conversation": c.id, "createdAt": {"$gt": cleared_at(c, user.id)}}
                for c in conversations if cleared_at(c, user.id) is not None]
    return {"$or": clauses}


def _before_clause(raw):
    anchor_id = parse_object_id(raw)
    anchor = Message.objects(id=anchor_id).only("created_at").first() if anchor_id else None
    if anchor is None:
        raise ValidationFailed("before must be the id of a result", code=Codes.VALIDATION_ERROR,
                               details={"before": ["Unknown message"]})
    return {"$or": [{"createdAt": {"$lt": anchor.created_at}},
                    {"createdAt": anchor.created_at, "_id": {"$lt": anchor.id}}]}
