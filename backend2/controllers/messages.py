"""Sending, reading, editing and deleting messages; history pages and sync.

A message carries `id, _id, conversation and conversationId, sender and from, to` (the other
participant of a direct chat), `text and content, type` (`text, image, file, audio, video,
location, contact, call, system`), `attachments, location, contact, replyTo` (a preview: `{id,
sender, text (100 characters), type, deleted}`, as the original is now), `clientId, status` (the
sender's copy only: `sent, delivered, read`), `reactions` (`[{emoji, count, userIds, mine}]`),
`mentions, mentionsMe, forwarded, forwardCount, forwardedManyTimes, system` (a group change:
`{action, actorId, userIds, changes}`), `createdAt, updatedAt, editedAt, deleted, deletedAt`, `expiresAt` (`expires_at`: sent while the
chat's disappearing timer was on, it goes for everyone then, and devices get `message_deleted`
with `scope: "expired"`), and `linkPreview` (`link_preview`: `{url, title, description,
siteName, image, fetchedAt}`, the card of its first link, or null).

Link previews: with `LINK_PREVIEWS_ENABLED`, the server fetches the first link's page in the
background and adds the card afterwards (`message_updated` on every device, and sync); its
`image` is stored here, re-encoded, as private as an attachment. A sender's app may send its own
`linkPreview` (`url` the text's first link, `image` one of its uploads; 400
`invalid_link_preview` otherwise) or `noPreview: true`; the `linkPreviews` user setting turns the
server's previews off for what one sends.
`mentions` (user ids, members of the chat) may be sent with a message; a reply must quote a
message the sender can still see (400 `invalid_reply`).

A repeated `clientId` from the same sender returns the first message with 200, also when
retries race, and the other devices hear of it once. `to` opens the direct chat under the same
rules as `POST /conversations`; `from`, if sent, must be the caller. Blocked pairs cannot
message each other (403 `blocked`). Text is at most `MESSAGE_MAX_CHARS`; a message needs text,
an attachment, a location or a contact. Attachments must be this server's uploads; their size,
type and dimensions come from its record, not the client. Every device of every participant
gets the message over the socket, however it was sent.

History pages are ordered by (createdAt, id), so messages sharing a millisecond are never
skipped or repeated: `before` (a message id or ISO time) pages back newest first, `after`
pages forward oldest first, `page` counts pages and adds `total`; `nextCursor` is the message
id to pass next. Sync returns every message created, edited, deleted or hidden (`hidden`:
deleted for the caller) in the caller's conversations after `since`, and the receipt cursors
that moved, oldest change first; the first call without `since` just returns a cursor. It
reports only changes older than `SYNC_SETTLE_MS`, so a write still in flight is picked up by
the next call instead of being skipped.
"""
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
from backend2.services.messages import changes, message_queries, sending
from backend2.services.messages.message_views import present_one

messages_bp = Blueprint("messages", __name__, url_prefix="/messages")

NOT_FOUND = {404: "No such message in the caller's conversations"}


def _presented(message, conversation):
    return present_one(current_user().id, message, conversation)


@messages_bp.post("")
@authenticate(token_auth)
@json_body(MessageSendSchema)
@response(MessageSchema, 201)
@other_responses({200: "A retry: the message first stored with this clientId",
                  400: "Empty, too long, or a bad attachment or reply", 403: "Blocked, or a chat request is needed",
                  404: "No such conversation or user"})
def send(data):
    """Send a message, desktop `{conversationId, text}` or mobile `{to, text}`; `clientId` makes retries safe"""
    message, conversation, created = sending.send_message(current_user(), data)
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
    return _presented(*changes.edit_message(current_user(), message_id, data["text"]))


@messages_bp.delete("/<message_id>")
@authenticate(token_auth)
@query_args(MessageDeleteQuerySchema)
@response(MessageSchema)
@other_responses({**NOT_FOUND, 403: "Not the sender or a group admin"})
def delete(query, message_id):
    """Delete for everyone (a tombstone stays) or, with `scope=me`, hide it from the caller only"""
    return _presented(*changes.delete_message(current_user(), message_id, query["scope"]))


@messages_bp.get("/<message_id>/history")
@authenticate(token_auth)
@response(MessageHistorySchema)
@other_responses(NOT_FOUND)
def history(message_id):
    """A message's versions, oldest first"""
    return changes.message_history(current_user(), message_id)
