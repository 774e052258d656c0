"""Delivery and read receipts as per-user cursors on the conversation, never per message.

Each participant has `deliveredUpTo` and `readUpTo`: everything sent before that time is
delivered / read. A cursor only moves forward (MongoDB's $max), read implies delivered,
and one request is one write however many messages it covers.
"""
from backend2.errors import Codes, ValidationFailed
from backend2.models import Conversation, Message
from backend2.services.conversations.conversation_settings import clear_marked_unread, unread_after
from backend2.services.conversations.lookup import conversation_for, membership_for
from backend2.services.support.announce import announce
from backend2.services.support.events import ReceiptMoved
from backend2.utils.ids import parse_object_id
from backend2.utils.time import as_utc, parse_iso, utcnow

CURSOR_FIELDS = {"delivered": "deliveredUpTo", "read": "readUpTo"}


def resolve_up_to(conversation, raw):
    """The time a receipt covers: now when missing, a message's time, or an ISO time (never the future)."""
    now = utcnow()
    if raw is None:
        return now
    message_id = parse_object_id(raw)
    if message_id is not None:
        message = Message.objects(id=message_id, conversation=conversation.id).only("created_at").first()
        if message is None:
            raise ValidationFailed("No such message in this conversation", code=Codes.INVALID_UP_TO,
                                   details={"upTo": ["Unknown message"]})
        return min(as_utc(message.created_at), now)
    moment = parse_iso(raw)
    if moment is None:
        raise ValidationFailed("upTo must be a message id or an ISO time", code=Codes.INVALID_UP_TO,
                               details={"upTo": ["Not a message id or ISO time"]})
    return min(moment, now)


def move_cursor(user, conversation_id, kind, raw_up_to=None):
    """Move the user's `kind` cursor ("delivered" or "read") forward to `upTo`.

    Returns {conversationId, userId, upTo, deliveredUpTo, readUpTo, moved}; `moved` is
    False when the cursor was already there, and then nothing was written.
    """
    conversation = membership_for(user, conversation_id)
    up_to = resolve_up_to(conversation, raw_up_to)
    key = str(user.id)
    field = CURSOR_FIELDS[kind]
    behind = {"$or": [{f"{field}.{key}": {"$exists": False}}, {f"{field}.{key}": {"$lt": up_to}}]}
    changes = {f"max__delivered_up_to__{key}": up_to, "set__receipts_updated_at": utcnow()}
    if kind == "read":
        changes[f"max__read_up_to__{key}"] = up_to
    updated = Conversation.objects(id=conversation.id, __raw__=behind).modify(new=True, **changes)
    current = updated or conversation_for(user, conversation.id)  # the cursors as they are, not as cached
    delivered, read = current.delivered_up_to.get(key), current.read_up_to.get(key)
    moved_to = (read if kind == "read" else delivered) or up_to
    if kind == "read":
        clear_marked_unread(current, user.id)
    if updated is not None:
        announce(ReceiptMoved(current, kind, key, moved_to, private=not user.read_receipts))
    return {
        "conversationId": str(conversation.id),
        "userId": key,
        "upTo": moved_to,
        "deliveredUpTo": delivered,
        "readUpTo": read,
        "moved": updated is not None,
    }


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
