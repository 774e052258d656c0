"""Disappearing messages, the messages' side: each one sent while its chat's timer is on carries
`expiresAt`, and at that time it is gone for everyone: its text, attachments (their stored
files), reactions, pin, stars, search words, the reply previews that quote it and the chat's
`lastMessage`; every device hears `message_deleted` with `scope: "expired"` and sync reports it.

The time is a shared deadline (services/support/deadlines.py): one member of a Redis sorted set,
claimed by whichever web process sweeps first, within DEADLINE_TICK_SECONDS of it, whichever
process stored the message and even if every process was down when it fell due (the set
outlives them, and the first process up runs what is overdue). Should a deadline be lost (Redis
was flushed, or down when the message was stored), the sweep of the `expiresAt` index that each
process runs when it starts and every EXPIRY_SWEEP_SECONDS finds the message. Both end in `expire`, which acts once.
A disappearing message deleted before its time loses its files then (services/messages/changes.py).
"""
import logging
from datetime import timedelta

from bson import ObjectId

from backend2.models import Conversation, Message, Star
from backend2.services.messages.changes import tombstone
from backend2.services.support import deadlines
from backend2.utils.time import as_utc, utcnow

log = logging.getLogger(__name__)
KIND = "message-expiry"
EXPIRY_SWEEP_SECONDS = 30
SWEEP_BATCH = 500


def expires_at(conversation, values):
    """When a message of these values, sent now in `conversation`, goes (None: never). Lines
    that say who changed what in the chat stay."""
    seconds = conversation.disappearing_seconds
    if not seconds or values.get("type") == "system":
        return None
    return values["created_at"] + timedelta(seconds=seconds)


def schedule(message):
    """Its deadline; if Redis cannot take it now, the sweep finds the message when it is due."""
    try:
        deadlines.schedule(KIND, str(message.id), as_utc(message.expires_at).timestamp())
    except Exception:
        log.warning("Message %s will expire by the sweep: its deadline was not stored", message.id, exc_info=True)


@deadlines.handles(KIND)
def _due(key):
    expire(ObjectId(key))


def expire_due():
    """The sweep: every message whose time is up and that is still there; returns how many went."""
    return sum(expire(message_id) for message_id in Message.due_to_expire(utcnow(), SWEEP_BATCH))


def expire(message_id):
    """Erase the message for everyone, as deleting it for everyone does, and more: its stars, its
    quote of another, and its place as the chat's last message; tell everyone. True when this
    call did it (once, whoever else tries)."""
    message = Message.objects(id=message_id).exclude("edits").first()
    if message is None or message.deleted or message.expires_at is None:
        return False
    conversation = Conversation.objects(id=message.conversation).first()

    def erasing(gone):
        Star.objects(message=gone.id).delete()
        successor = Message.objects(conversation=conversation.id, deleted=False).order_by(
            "-created_at", "-id").only("id").first()
        Conversation.replace_last_message(conversation.id, gone.id, successor.id if successor else None)

    return conversation is not None and tombstone(message, conversation, None, "expired", erasing,
                                                  unset__reply_to=True)
