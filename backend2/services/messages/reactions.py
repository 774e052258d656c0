"""Reactions: one per user per emoji, at most REACTIONS_MAX_DISTINCT different emoji a message.

Each change is one conditional write (the emoji's entry gains or loses the user; a new emoji
is pushed only while there is room), moves `updatedAt` so sync carries it, and reaches every
device of every participant as `message_reaction`. A deleted message takes none and keeps none.
"""
from flask import current_app

from backend2.errors import Codes, Conflict, ValidationFailed
from backend2.models import Message
from backend2.services.messages.message_queries import message_for
from backend2.services.support import rate_budgets
from backend2.services.support.announce import announce
from backend2.services.support.events import MessageReacted
from backend2.utils.time import utcnow

MAX_EMOJI_CHARS = 32  # the longest emoji sequences (families, flags of regions) stay well under


def valid_emoji(value):
    """The emoji, if `value` is exactly one emoji (with its modifiers and joiners); 400 otherwise."""
    import emoji as emoji_data  # on the first reaction: its tables weigh 8 MB

    if not isinstance(value, str) or len(value) > MAX_EMOJI_CHARS or not emoji_data.is_emoji(value):
        raise ValidationFailed("A reaction is exactly one emoji", code=Codes.INVALID_EMOJI,
                               details={"emoji": ["Exactly one emoji"]})
    return value


def react(user, message_id, emoji, added=True):
    """Add (or, with `added=False`, take back) the caller's reaction; returns (message, conversation)."""
    emoji = valid_emoji(emoji)
    rate_budgets.spend("messages", user.id)
    message, conversation = message_for(user, message_id)
    if message.deleted:
        raise Conflict("This message was deleted", code=Codes.MESSAGE_DELETED)
    changed = _add(message, emoji, user.id) if added else _remove(message, emoji, user.id)
    if changed:
        message.reload()
        announce(MessageReacted(message, conversation, user.id, emoji, added))
    return message, conversation


def _add(message, emoji, user_id):
    alive = {"_id": message.id, "deleted": {"$ne": True}}
    now = utcnow()
    # The emoji is there already: join it.
    if Message.update_raw({**alive, "reactions": {"$elemMatch": {"emoji": emoji, "users": {"$ne": user_id}}}},
                          {"$addToSet": {"reactions.$.users": user_id}, "$set": {"updatedAt": now}}):
        return True
    if Message.objects(id=message.id, reactions__emoji=emoji).count():
        return False  # the user had reacted with it already
    maximum = current_app.config["REACTIONS_MAX_DISTINCT"]
    # A new emoji, while there is room and no other request added it meanwhile.
    if Message.update_raw({**alive, "reactions.emoji": {"$ne": emoji}, f"reactions.{maximum - 1}": {"$exists": False}},
                          {"$push": {"reactions": {"emoji": emoji, "users": [user_id]}}, "$set": {"updatedAt": now}}):
        return True
    if Message.objects(id=message.id, reactions__emoji=emoji).count():
        return _add(message, emoji, user_id)
    raise Conflict(f"This message has {maximum} different reactions already", code=Codes.TOO_MANY_REACTIONS)


def _remove(message, emoji, user_id):
    if not Message.update_raw({"_id": message.id, "reactions": {"$elemMatch": {"emoji": emoji, "users": user_id}}},
                              {"$pull": {"reactions.$.users": user_id}, "$set": {"updatedAt": utcnow()}}):
        return False
    Message.update_raw({"_id": message.id}, {"$pull": {"reactions": {"users": {"$size": 0}}}})
    return True
