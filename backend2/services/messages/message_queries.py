"""Reading messages: one the caller may see, history pages with stable cursors, and cross-conversation sync."""
from datetime import timedelta

from flask import current_app
from mongoengine import Q

from backend2.errors import Codes, NotFound, ValidationFailed
from backend2.models import Conversation, Message
from backend2.services.conversations.conversation_settings import cleared_at
from backend2.services.conversations.lookup import conversation_for
from backend2.services.messages.message_views import hide_read_cursors, present_messages, visible_to
from backend2.utils.cursors import LAST_ID, decode_cursor, encode_cursor
from backend2.utils.ids import parse_object_id
from backend2.utils.time import as_utc, parse_iso, utcnow


def message_for(user, message_id):
    """(message, conversation) when the user takes part in the message's conversation; 404 otherwise."""
    oid = parse_object_id(message_id)
    message = Message.objects(id=oid).first() if oid else None
    if message is None or user.id in message.hidden_for:
        raise NotFound("Message not found", code=Codes.MESSAGE_NOT_FOUND)
    try:
        conversation = conversation_for(user, message.conversation)
    except NotFound:
        raise NotFound("Message not found", code=Codes.MESSAGE_NOT_FOUND)
    if not visible_to(user.id, message, conversation):  # cleared from the user's history
        raise NotFound("Message not found", code=Codes.MESSAGE_NOT_FOUND)
    return message, conversation


def list_messages(user, query):
    """One page of a conversation: newest first, `before` pages back, `after` pages forward
    (oldest first), `page` counts pages. Messages sharing a millisecond are ordered by id, so
    a cursor never skips or repeats one."""
    conversation = conversation_for(user, query["conversationId"])
    visible = Message.objects(conversation=conversation.id, hidden_for__ne=user.id).exclude("edits")
    cleared = cleared_at(conversation, user.id)
    if cleared:
        visible = visible.filter(created_at__gt=cleared)
    limit = query["limit"]
    pagination = {"limit": limit}
    if "page" in query:
        total = visible.count()
        items = list(visible.order_by("-created_at", "-id").skip((query["page"] - 1) * limit).limit(limit))
        has_more = query["page"] * limit < total
        pagination.update(page=query["page"], total=total)
    elif "after" in query:
        items = list(visible.filter(_after(conversation, query["after"])).order_by("created_at", "id").limit(limit + 1))
        has_more = len(items) > limit
    else:
        if "before" in query:
            visible = visible.filter(_before(conversation, query["before"]))
        items = list(visible.order_by("-created_at", "-id").limit(limit + 1))
        has_more = len(items) > limit
    items = items[:limit]
    pagination.update(hasMore=has_more, nextCursor=str(items[-1].id) if has_more and items else None)
    return present_messages(user.id, items, {conversation.id: conversation}), pagination


def _position(conversation, raw, field):
    """(time, id) of a message of this conversation, or (time, None) for an ISO time."""
    message_id = parse_object_id(raw)
    if message_id is not None:
        anchor = Message.objects(id=message_id, conversation=conversation.id).only("created_at").first()
        if anchor is None:
            raise ValidationFailed("No such message in this conversation", details={field: ["Unknown message"]})
        return as_utc(anchor.created_at), anchor.id
    moment = parse_iso(raw)
    if moment is None:
        raise ValidationFailed(f"{field} must be a message id or an ISO time", details={field: ["Invalid cursor"]})
    return moment, None


def _before(conversation, raw):
    moment, anchor_id = _position(conversation, raw, "before")
    if anchor_id is None:
        return Q(created_at__lt=moment)
    return Q(created_at__lt=moment) | Q(created_at=moment, id__lt=anchor_id)


def _after(conversation, raw):
    moment, anchor_id = _position(conversation, raw, "after")
    if anchor_id is None:
        return Q(created_at__gt=moment)
    return Q(created_at__gt=moment) | Q(created_at=moment, id__gt=anchor_id)


def sync_changes(user, since, limit):
    """Everything that changed for the user after `since`: messages (new, edited, deleted,
    reacted to), messages they hid or cleared, and receipt cursors, with the cursor to ask from next time.

    Only changes older than SYNC_SETTLE_MS are reported, so a write that is still in flight
    when we read cannot be skipped: it is picked up by the next call.
    """
    horizon = utcnow() - timedelta(milliseconds=current_app.config["SYNC_SETTLE_MS"])
    if since is None:
        return {"messages": [], "hidden": [], "receipts": [], "hasMore": False,
                "nextCursor": encode_cursor(horizon, LAST_ID)}
    position = decode_cursor(since)
    if position is None:
        raise ValidationFailed("since is not a cursor from this server", details={"since": ["Invalid cursor"]})
    moment, last_id = position
    conversations = {c.id: c for c in Conversation.objects(participants=user.id)}
    changed = list(
        Message.objects(conversation__in=list(conversations), updated_at__lte=horizon)
        .filter(Q(updated_at__gt=moment) | Q(updated_at=moment, id__gt=last_id))
        .order_by("updated_at", "id").exclude("edits").limit(limit + 1)
    )
    has_more = len(changed) > limit
    changed = changed[:limit]
    end = (as_utc(changed[-1].updated_at), changed[-1].id) if has_more else (horizon, LAST_ID)
    seen = {m.id: visible_to(user.id, m, conversations[m.conversation]) for m in changed}
    shown = [m for m in changed if seen[m.id]]
    hidden = [m.id for m in changed if not seen[m.id]]
    receipts = [
        {"conversationId": c.id, "deliveredUpTo": c.delivered_up_to, "readUpTo": c.read_up_to}
        for c in hide_read_cursors(user, list(conversations.values()))
        if c.receipts_updated_at and moment < as_utc(c.receipts_updated_at) <= end[0]
    ]
    return {
        "messages": present_messages(user.id, shown, conversations),
        "hidden": hidden,
        "receipts": receipts,
        "hasMore": has_more,
        "nextCursor": encode_cursor(*end),
    }
