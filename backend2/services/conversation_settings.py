"""Each participant's own settings of a conversation: muting, for now.

Stored in the conversation's `memberSettings.{userId}`, one field per setting, so a change of
one never overwrites another. `mutedUntil` is a time, or `FOREVER`; a muted chat pushes nothing
but still counts in the badge unless the user's `badgeIncludesMuted` is off.
"""
from backend2.models import Conversation
from backend2.services import events
from backend2.services.conversations import conversation_for
from backend2.utils.time import as_utc, utcnow


def update_settings(user, conversation_id, changes):
    """Apply `changes` ({mutedUntil}) to the caller's settings of the conversation; returns them.
    The caller's other devices hear of it (`conversation_settings`)."""
    conversation = conversation_for(user, conversation_id)
    key = str(user.id)
    if "mutedUntil" in changes:
        Conversation.objects(id=conversation.id).update_one(
            **{f"set__member_settings__{key}__mutedUntil": changes["mutedUntil"]})
    conversation.reload("member_settings")
    settings = settings_of(conversation, user.id)
    events.conversation_settings_changed.send(conversation, user_id=key, settings=settings)
    return settings


def settings_of(conversation, user_id):
    """{conversationId, mutedUntil, muted} of one participant."""
    muted_until = (conversation.member_settings.get(str(user_id)) or {}).get("mutedUntil")
    muted_until = as_utc(muted_until) if muted_until else None
    return {"conversationId": conversation.id, "mutedUntil": muted_until,
            "muted": muted_until is not None and muted_until > utcnow()}


def is_muted(conversation, user_id):
    return settings_of(conversation, user_id)["muted"]
