"""Each participant's own settings of a conversation: mute, archive, pin to the top, mark
unread and clear history.

Stored in the conversation's `memberSettings.{userId}`, one field per setting, so a change of
one never overwrites another:
- `mutedUntil`: a time, or `FOREVER`; a muted chat pushes nothing (a mention still does, if the
  user keeps `mentionsBypassMute`) but still counts in the badge unless `badgeIncludesMuted` is off;
- `archived`: kept out of `GET /conversations?archived=false`; a new message leaves it archived;
- `pinnedAt`: pinned chats come first in the list, most recently pinned first (PINNED_CHATS_MAX);
- `markedUnread`: shown as unread until the user reads the chat (a read receipt clears it);
- `clearedAt`: the user's history up to then is gone for them (pages, sync, search, unread
  counts, replies), and nobody else's.
"""
from flask import current_app

from backend2.errors import Codes, Conflict
from backend2.models import Conversation
from backend2.services.conversations.lookup import conversation_for
from backend2.services.support import cached
from backend2.services.support.announce import announce
from backend2.services.support.events import ConversationSettingsChanged
from backend2.utils.time import as_utc, utcnow

FLAGS = ("archived", "markedUnread")


def update_settings(user, conversation_id, changes):
    """Apply `changes` ({mutedUntil, archived, pinned, markedUnread, clearHistory}) to the caller's
    settings of the conversation; returns them. The caller's other devices hear of it
    (`conversation_settings`)."""
    conversation = conversation_for(user, conversation_id)
    prefix = f"memberSettings.{user.id}"
    updates = {"$set": {}, "$unset": {}}
    if "mutedUntil" in changes:
        updates["$set"][f"{prefix}.mutedUntil"] = changes["mutedUntil"]
    for flag in FLAGS:
        if flag in changes:
            (updates["$set"] if changes[flag] else updates["$unset"])[f"{prefix}.{flag}"] = True
    if changes.get("pinned") is True and not settings_of(conversation, user.id)["pinned"]:
        _check_pin_room(user)
        updates["$set"][f"{prefix}.pinnedAt"] = utcnow()
    elif changes.get("pinned") is False:
        updates["$unset"][f"{prefix}.pinnedAt"] = True
    if changes.get("clearHistory"):
        updates["$set"][f"{prefix}.clearedAt"] = utcnow()
    updates = {operator: fields for operator, fields in updates.items() if fields}
    if updates:
        Conversation.update_raw(conversation.id, updates)
        cached.forget_conversation(conversation.id)
    conversation.reload("member_settings")
    settings = settings_of(conversation, user.id)
    announce(ConversationSettingsChanged(conversation, str(user.id), settings))
    return settings


def _check_pin_room(user):
    maximum = current_app.config["PINNED_CHATS_MAX"]
    pinned = Conversation.objects(participants=user.id,
                                  __raw__={f"memberSettings.{user.id}.pinnedAt": {"$exists": True}}).count()
    if pinned >= maximum:
        raise Conflict(f"At most {maximum} conversations can be pinned; unpin one first",
                       code=Codes.TOO_MANY_PINNED_CHATS)


def clear_marked_unread(conversation, user_id):
    """The user read the chat: it is no longer marked unread (one write, only when it was)."""
    if (conversation.member_settings.get(str(user_id)) or {}).get("markedUnread"):
        Conversation.update_raw(conversation.id, {"$unset": {f"memberSettings.{user_id}.markedUnread": True}})
        cached.forget_conversation(conversation.id)
        conversation.reload("member_settings")
        announce(ConversationSettingsChanged(conversation, str(user_id), settings_of(conversation, user_id)))


def settings_of(conversation, user_id):
    """{conversationId, mutedUntil, muted, archived, pinned, pinnedAt, markedUnread, clearedAt} of one participant."""
    own = conversation.member_settings.get(str(user_id)) or {}
    muted_until, pinned_at, cleared_at = (_time(own.get(key)) for key in ("mutedUntil", "pinnedAt", "clearedAt"))
    return {"conversationId": conversation.id, "mutedUntil": muted_until,
            "muted": muted_until is not None and muted_until > utcnow(), "archived": bool(own.get("archived")),
            "pinned": pinned_at is not None, "pinnedAt": pinned_at, "markedUnread": bool(own.get("markedUnread")),
            "clearedAt": cleared_at}


def _time(value):
    return as_utc(value) if value else None


def is_muted(conversation, user_id):
    return settings_of(conversation, user_id)["muted"]


def cleared_at(conversation, user_id):
    """When the user cleared the chat's history for themselves, or None."""
    return _time((conversation.member_settings.get(str(user_id)) or {}).get("clearedAt"))


def unread_after(conversation, user_id):
    """The time after which others' messages count as unread: the later of the read cursor and the clear."""
    moments = [_time(conversation.read_up_to.get(str(user_id))), cleared_at(conversation, user_id)]
    return max((moment for moment in moments if moment), default=None)
