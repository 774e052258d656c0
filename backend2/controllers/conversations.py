"""Direct chats and groups, and their delivery and read receipts.

A conversation carries `id, _id, type (direct|group), participants and members` (the same list
of public profiles), `participantKey` (direct: both user ids sorted and joined), `name, avatar,
avatarUrl, description, admins, createdBy, onlyAdminsCanSend` (an announcement group),
`onlyAdminsCanPin, pins, lastMessage, unreadCount, unreadMentions, deliveredUpTo, readUpTo,
createdAt, updatedAt`, and the caller's own settings: `mutedUntil, muted, archived, pinned,
markedUnread, clearedAt`. A direct chat opens at once with someone in the caller's synced contacts, in an
existing chat, or after an accepted chat request; anyone else needs a request (403
`chat_request_required`). Simultaneous creations of one direct chat meet at the unique
`participantKey` index: one gets 201, every other 200 with the same conversation. When a
group's last admin leaves, the oldest member becomes admin. A group has at most
`GROUP_MAX_MEMBERS` members. Every membership or group change puts a `type: "system"` message in
the chat ("Alice added Bob").

Each participant organises their own list with `PATCH /conversations/<id>/settings`: mute
(`mutedUntil`: a time, "forever" or null), `archived`, `pinned` (at most `PINNED_CHATS_MAX`;
pinned chats come first in `GET /conversations`, latest pin first), `markedUnread` (until the
next read), `clearHistory: true` (everything up to now disappears for the caller only: pages,
sync, search, unread counts, the last message). `GET /conversations?archived=false` leaves
archived chats out, `=true` lists only them. The caller's other devices get
`conversation_settings`.

Receipts are two cursors per participant, `deliveredUpTo` and `readUpTo`: one request is one
conditional write, a cursor never moves back, and read moves delivered too; `moved: false`
means nothing changed. `unreadCount` counts others' visible messages after the caller's
`readUpTo`, and a sender's `status` is derived from the other participants' cursors. Cursors
are times with millisecond precision: two messages stored in the same millisecond of one
conversation are read together.
"""
from apifairy import authenticate, other_responses, response
from flask import Blueprint

from backend2.middlewares.auth import current_user, token_auth
from backend2.middlewares.validation import json_body, query_args
from backend2.schemas.conversations import (
    ConversationCreateSchema,
    ConversationListQuerySchema,
    ConversationListSchema,
    ConversationSchema,
    ConversationSettingsInputSchema,
    ConversationSettingsSchema,
    GroupUpdateSchema,
    MembersInputSchema,
)
from backend2.schemas.receipts import ReceiptInputSchema, ReceiptSchema
from backend2.services.conversations import conversation_settings, direct, disappearing, groups, lookup, receipts
from backend2.services.messages.message_views import present_conversations

conversations_bp = Blueprint("conversations", __name__, url_prefix="/conversations")

NOT_FOUND = {404: "No such conversation of the caller"}
GROUP_ERRORS = {**NOT_FOUND, 400: "Not a group or invalid input", 403: "Admins only"}


def conversation_response(conversation, created=False):
    """The conversation as the caller sees it, 201 when it was just created."""
    return present_conversations(current_user(), [conversation])[0], 201 if created else 200


@conversations_bp.post("")
@authenticate(token_auth)
@json_body(ConversationCreateSchema)
@response(ConversationSchema, 201)
@other_responses({200: "The existing direct conversation", 403: "Not a contact: a chat request is needed",
                  404: "Unknown or blocked user"})
def create(data):
    """Start a direct conversation (idempotent) or create a group"""
    return conversation_response(*direct.create_conversation(current_user(), data))


@conversations_bp.get("")
@authenticate(token_auth)
@query_args(ConversationListQuerySchema)
@response(ConversationListSchema)
def list_all(query):
    """The caller's conversations: pinned ones first, then most recent activity first"""
    items, last_messages, pagination = lookup.list_conversations(current_user(), query["page"], query["limit"],
                                                                        query.get("archived"))
    return {"conversations": present_conversations(current_user(), items, last_messages), "pagination": pagination}


@conversations_bp.get("/<conversation_id>")
@authenticate(token_auth)
@response(ConversationSchema)
@other_responses(NOT_FOUND)
def get_one(conversation_id):
    """One conversation of the caller"""
    return conversation_response(lookup.conversation_for(current_user(), conversation_id))


@conversations_bp.patch("/<conversation_id>")
@authenticate(token_auth)
@json_body(GroupUpdateSchema)
@response(ConversationSchema)
@other_responses(GROUP_ERRORS)
def update_conversation(changes, conversation_id):
    """Change a group's name, avatar, description, or who may send and pin (admins); set any chat's disappearing-message timer

    `disappearingSeconds` (`disappearing_seconds`): messages sent from now on carry `expiresAt` and
    disappear for everyone at that time; either person of a direct chat may set it, only admins in a
    group. A line in the chat says who set what, and every member's devices get `conversation_updated`.
    """
    return conversation_response(disappearing.update_conversation(current_user(), conversation_id, changes))


@conversations_bp.patch("/<conversation_id>/settings")
@authenticate(token_auth)
@json_body(ConversationSettingsInputSchema)
@response(ConversationSettingsSchema)
@other_responses({**NOT_FOUND, 400: "Invalid settings", 409: "PINNED_CHATS_MAX chats pinned already"})
def update_settings(changes, conversation_id):
    """The caller's own settings of a conversation: mute, archive, pin, mark unread, clear history"""
    return conversation_settings.update_settings(current_user(), conversation_id, changes)


@conversations_bp.post("/<conversation_id>/members")
@authenticate(token_auth)
@json_body(MembersInputSchema)
@response(ConversationSchema)
@other_responses(GROUP_ERRORS)
def add_members(data, conversation_id):
    """Add members to a group (admins)"""
    return conversation_response(groups.add_members(current_user(), conversation_id, data["userIds"]))


@conversations_bp.delete("/<conversation_id>/members/<user_id>")
@authenticate(token_auth)
@response(ConversationSchema)
@other_responses(GROUP_ERRORS)
def remove_member(conversation_id, user_id):
    """Remove a member (admins) or leave (anyone, with their own id)"""
    return conversation_response(groups.remove_member(current_user(), conversation_id, user_id))


@conversations_bp.post("/<conversation_id>/admins/<user_id>")
@authenticate(token_auth)
@response(ConversationSchema)
@other_responses(GROUP_ERRORS)
def add_admin(conversation_id, user_id):
    """Make a member admin (admins)"""
    return conversation_response(groups.add_admin(current_user(), conversation_id, user_id))


@conversations_bp.delete("/<conversation_id>/admins/<user_id>")
@authenticate(token_auth)
@response(ConversationSchema)
@other_responses({**GROUP_ERRORS, 409: "The last admin cannot step down"})
def remove_admin(conversation_id, user_id):
    """Take admin away from a member (admins)"""
    return conversation_response(groups.remove_admin(current_user(), conversation_id, user_id))


RECEIPT_ERRORS = {**NOT_FOUND, 400: "upTo is neither a message of this conversation nor an ISO time"}


@conversations_bp.post("/<conversation_id>/delivered")
@authenticate(token_auth)
@json_body(ReceiptInputSchema)
@response(ReceiptSchema)
@other_responses(RECEIPT_ERRORS)
def mark_delivered(data, conversation_id):
    """Move the caller's `delivered` cursor forward to `upTo` (default now)"""
    return receipts.move_cursor(current_user(), conversation_id, "delivered", data.get("upTo"))


@conversations_bp.post("/<conversation_id>/read")
@authenticate(token_auth)
@json_body(ReceiptInputSchema)
@response(ReceiptSchema)
@other_responses(RECEIPT_ERRORS)
def mark_read(data, conversation_id):
    """Move the caller's `read` cursor forward to `upTo` (default now); read moves delivered too"""
    return receipts.move_cursor(current_user(), conversation_id, "read", data.get("upTo"))
