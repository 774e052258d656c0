"""Starred messages: each user's own bookmarks, never seen by anyone else.

Starring twice is one star. A starred message the user can no longer see (deleted, hidden,
cleared, or in a chat they left) stays out of their list without being unstarred, so pages may
hold fewer than `limit`; `nextCursor` still moves on.
"""
from mongoengine import NotUniqueError

from backend2.errors import Codes, Conflict
from backend2.models import Conversation, Message, Star
from backend2.services.messages.message_queries import message_for
from backend2.services.messages.message_views import present_messages, visible_to
from backend2.utils.ids import parse_object_id


def star(user, message_id):
    message, conversation = message_for(user, message_id)
    if message.deleted:
        raise Conflict("This message was deleted", code=Codes.MESSAGE_DELETED)
    try:
        Star(user=user.id, message=message.id, conversation=conversation.id).save(force_insert=True)
    except NotUniqueError:
        pass
    return {"messageId": message.id, "starred": True}


def unstar(user, message_id):
    message, _ = message_for(user, message_id)
    Star.objects(user=user.id, message=message.id).delete()
    return {"messageId": message.id, "starred": False}


def starred(user, before, limit):
    """A page of the user's starred messages, most recently starred first: (messages, pagination)."""
    stars = Star.objects(user=user.id).order_by("-id")
    anchor = parse_object_id(before) if before else None
    if anchor is not None:
        stars = stars.filter(id__lt=anchor)
    page = list(stars.limit(limit + 1))
    has_more = len(page) > limit
    page = page[:limit]
    conversations = {c.id: c for c in Conversation.objects(id__in=list({s.conversation for s in page}),
                                                          participants=user.id)}
    messages = {m.id: m for m in Message.objects(id__in=[s.message for s in page]).exclude("edits")}
    shown = []
    for entry in page:
        message = messages.get(entry.message)
        conversation = conversations.get(entry.conversation)
        if message and conversation and not message.deleted and visible_to(user.id, message, conversation):
            message.starred_at = entry.created_at
            shown.append(message)
    pagination = {"limit": limit, "hasMore": has_more, "nextCursor": str(page[-1].id) if has_more else None}
    return present_messages(user.id, shown, conversations), pagination
