from apifairy import authenticate, other_responses, response
from flask import Blueprint

from backend2.middlewares.auth import current_user, token_auth
from backend2.middlewares.validation import json_body, query_args
from backend2.schemas.messages import (
    MessageDeleteQuerySchema,
    MessageEditSchema,
    MessageHistorySchema,
    MessageListQuerySchema,
    MessageListSchema,
    MessageSchema,
    MessageSendSchema,
    SyncQuerySchema,
    SyncSchema,
)
from backend2.services import message_queries, messages
from backend2.services.message_views import present_messages

messages_bp = Blueprint("messages", __name__, url_prefix="/messages")

NOT_FOUND = {404: "No such message in the caller's conversations"}



def _presented(message, conversation):
    return present_messages(current_user().id, [message], {conversation.id: conversation})[0]


@messages_bp.post("")
@authenticate(token_auth)
@json_body(MessageSendSchema)
@response(MessageSchema, 201)
@other_responses({200: "A retry: the message first stored with this clientId",
                  400: "Empty, too long, or a bad attachment or reply", 403: "Blocked, or a chat request is needed",
                  404: "No such conversation or user"})
def send(data):
    """Send a message, desktop `{conversationId, text}` or mobile `{to, text}`; `clientId` makes retries safe"""
    message, conversation, created = messages.send_message(current_user(), data)
    return _presented(message, conversation), 201 if created else 200


@messages_bp.get("")
@authenticate(token_auth)
@query_args(MessageListQuerySchema)
@response(MessageListSchema)
@other_responses({404: "No such conversation of the caller"})
def list_page(query):
    """A page of a conversation's messages: newest first, or `after` a cursor oldest first"""
    items, pagination = message_queries.list_messages(current_user(), query)
    return {"messages": items, "pagination": pagination}


@messages_bp.get("/sync")
@authenticate(token_auth)
@query_args(SyncQuerySchema)
@response(SyncSchema)
def sync(query):
    """Everything that changed for the caller since a cursor; without `since`, a cursor for now"""
    return message_queries.sync_changes(current_user(), query.get("since"), query["limit"])


@messages_bp.patch("/<message_id>")
@authenticate(token_auth)
@json_body(MessageEditSchema)
@response(MessageSchema)
@other_responses({**NOT_FOUND, 403: "Not the sender", 409: "Deleted, or changed at the same moment"})
def edit(data, message_id):
    """Edit a message's text (sender only); earlier versions are kept"""
    return _presented(*messages.edit_message(current_user(), message_id, data["text"]))


@messages_bp.delete("/<message_id>")
@authenticate(token_auth)
@query_args(MessageDeleteQuerySchema)
@response(MessageSchema)
@other_responses({**NOT_FOUND, 403: "Not the sender or a group admin"})
def delete(query, message_id):
    """Delete for everyone (a tombstone stays) or, with `scope=me`, hide it from the caller only"""
    return _presented(*messages.delete_message(current_user(), message_id, query["scope"]))


@messages_bp.get("/<message_id>/history")
@authenticate(token_auth)
@response(MessageHistorySchema)
@other_responses(NOT_FOUND)
def history(message_id):
    """A message's versions, oldest first"""
    return messages.message_history(current_user(), message_id)
