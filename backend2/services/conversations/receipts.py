"""Delivery and read receipts as per-user cursors on the conversation, never per message.

Each participant has `deliveredUpTo` and `readUpTo`: everything sent before that time is
delivered / read. A cursor only moves forward (MongoDB's $max), read implies delivered,
and one request is one write however many messages it covers.
"""
from backend2.errors import Codes, NotFound, ValidationFailed
from backend2.models import Conversation, Message
from backend2.services.support import cached
from backend2.services.conversations.conversation_settings import clear_marked_unread, unread_after
from backend2.services.conversations.lookup import membership_for
from backend2.services.support.announce import announce
from backend2.services.support.events import ReceiptMoved
from backend2.utils.ids import parse_object_id
from backend2.utils.time import as_utc, parse_iso, utcnow

CURSOR_FIELDS = {"delivered": "delivered_up_to", "read": "read_up_to"}


def resolve_up_to(conversation, raw):
    """The time a receipt covers: now when missing, a message's time, or an ISO time (never the future)."""
    now = utcnow()
    if raw is None:
        return now
    message_id = parse_object_id(raw)
    if message_id is not None:
        sent_at = cached.message_time(conversation.id, message_id)
        if sent_at is None:
            raise ValidationFailed("No such message in this conversation", code=Codes.INVALID_UP_TO,
                                   details={"upTo": ["Unknown message"]})
        return min(sent_at, now)
    moment = parse_iso(raw)
    if moment is None:
        raise ValidationFailed("upTo must be a message id or an ISO time", code=Codes.INVALID_UP_TO,
                               details={"upTo": ["Not a message id or ISO time"]})
    return min(moment, now)


def move_cursor(user, conversation_id, kind, raw_up_to=None):
    """Move the user's `kind` cursor ("delivered" or "read") forward to `upTo`.

    Returns {conversationId, userId, upTo, deliveredUpTo, readUpTo, moved}; `moved` is
    False when the cursor was already there. One write either way, which returns the cursors
    as they were: a receipt that moved nothing still moves `receiptsUpdatedAt` (sync then
    sends those cursors once more) rather than costing a second command to read them.
    """
    conversation = membership_for(user, conversation_id)
    up_to = resolve_up_to(conversation, raw_up_to)
    key = str(user.id)
    moving = ("delivered", "read") if kind == "read" else ("delivered",)
    changes = {f"max__{CURSOR_FIELDS[name]}__{key}": up_to for name in moving}
    current = Conversation.objects(id=conversation.id).modify(new=False, set__receipts_updated_at=utcnow(),
                                                              **changes)
    if current is None:
        raise NotFound("Conversation not found", code=Codes.CONVERSATION_NOT_FOUND)
    before = {name: _cursor(current, name, key) for name in CURSOR_FIELDS}
    delivered, read = (max(filter(None, (before[name], up_to))) if name in moving else before[name]
                       for name in ("delivered", "read"))
    moved = before[kind] is None or before[kind] < up_to
    if kind == "read":
        clear_marked_unread(current, user.id)
    if moved:
        announce(ReceiptMoved(current, kind, key, up_to, private=not user.read_receipts))
    return {
        "conversationId": str(conversation.id),
        "userId": key,
        "upTo": read if kind == "read" else delivered,
        "deliveredUpTo": delivered,
        "readUpTo": read,
        "moved": moved,
    }


def _cursor(conversation, kind, key):
    value = getattr(conversation, CURSOR_FIELDS[kind]).get(key)
    return None if value is None else as_utc(value)


def unread_counts(user, conversations):
    """{conversation id: (unread, unread mentioning the user)}: others' messages after the user's
    read cursor (and any clear) that the user can see, system lines aside; one query for all."""
    if not conversations:
        return {}
    scope = []
    for conversation in conversations:
        after = unread_after(conversation, user.id)
        scope.append({"conversation": conversation.id, **({"createdAt": {"$gt": after}} if after else {})})
    return Message.unread_counts(user.id, scope)


def status_of(message, conversation, hidden_readers=lambda: ()):
    """`sent`, `delivered` or `read`, derived from the other participants' cursors; never `read`
    while one of them is among `hidden_readers()` (asked only then: read receipts turned off)."""
    others = [str(p) for p in conversation.participants if p != message.sender]
    if not others:
        return "sent"
    sent_at = as_utc(message.created_at)

    def all_reached(cursors):
        return all(cursors.get(uid) is not None and as_utc(cursors[uid]) >= sent_at for uid in others)

    if all_reached(conversation.read_up_to) and not {str(uid) for uid in hidden_readers()} & set(others):
        return "read"
    return "delivered" if all_reached(conversation.delivered_up_to) else "sent"
