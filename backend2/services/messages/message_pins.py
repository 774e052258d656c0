"""Pinned messages: up to PINS_MAX per conversation, seen by every participant.

In a group with `onlyAdminsCanPin` only admins pin and unpin; anyone may otherwise. Pinning
the same message twice changes nothing; a deleted message loses its pin (services/messages/changes.py).
"""
from flask import current_app

from backend2.errors import Codes, Conflict, Forbidden
from backend2.models import Conversation, Message, PinnedMessage
from backend2.services.conversations.lookup import conversation_for
from backend2.services.messages.message_queries import message_for
from backend2.services.messages.message_views import present_messages, visible_to
from backend2.services.support.announce import announce
from backend2.services.support.events import MessagePinned, MessageUnpinned
from backend2.utils.time import utcnow


def pin(user, message_id):
    """Pin a message of the caller's conversation; returns (message, conversation)."""
    message, conversation = _pinnable(user, message_id)
    if message.type == "system":
        raise Forbidden("A system entry cannot be pinned", code=Codes.NOT_ALLOWED)
    maximum = current_app.config["PINS_MAX"]
    entry = PinnedMessage(message=message.id, pinned_by=user.id, pinned_at=utcnow())
    # Not pinned yet and room left, checked in the same write.
    if Conversation.objects(id=conversation.id, pins__message__ne=message.id,
                            __raw__={f"pins.{maximum - 1}": {"$exists": False}}).update_one(push__pins=entry):
        conversation.reload("pins")
        announce(MessagePinned(message, conversation, user.id))
    elif not any(pinned.message == message.id for pinned in conversation.reload("pins").pins):
        raise Conflict(f"At most {maximum} messages can be pinned here; unpin one first", code=Codes.TOO_MANY_PINS)
    return message, conversation


def unpin(user, message_id):
    message, conversation = _pinnable(user, message_id)
    if Conversation.pull_pin(conversation.id, message.id):
        conversation.reload("pins")
        announce(MessageUnpinned(message, conversation, user.id))
    return message, conversation


def _pinnable(user, message_id):
    message, conversation = message_for(user, message_id)
    if message.deleted:
        raise Conflict("This message was deleted", code=Codes.MESSAGE_DELETED)
    if conversation.type == "group" and conversation.only_admins_can_pin and user.id not in conversation.admins:
        raise Forbidden("Only admins may pin messages in this group", code=Codes.ADMIN_REQUIRED)
    return message, conversation


def pinned_messages(user, conversation_id):
    """The conversation's pinned messages as the caller sees them, oldest pin first."""
    conversation = conversation_for(user, conversation_id)
    ids = [pinned.message for pinned in conversation.pins]
    found = {m.id: m for m in Message.objects(id__in=ids).exclude("edits")}
    shown = [found[i] for i in ids if i in found and visible_to(user.id, found[i], conversation)]
    return present_messages(user.id, shown, {conversation.id: conversation})
