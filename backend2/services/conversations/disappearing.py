"""Disappearing messages, the chat's side: its timer (`disappearingSeconds`), set by either
person of a direct chat or by a group's admins, and announced (ConversationUpdated: a line in the
chat and `conversation_updated` on every member's device). What happens to a message when its
time is up is services/messages/expiry.py."""
from backend2.models import Conversation
from backend2.services.conversations import groups
from backend2.services.conversations.lookup import conversation_for
from backend2.services.support import cached
from backend2.services.support.announce import announce
from backend2.services.support.events import ConversationUpdated
from backend2.utils.time import utcnow


def update_conversation(user, conversation_id, changes):
    """PATCH /conversations/<id>: a group's settings (admins) and the disappearing timer."""
    changes = dict(changes)
    timer_given = "disappearingSeconds" in changes
    seconds = changes.pop("disappearingSeconds", None) or None
    if changes:
        conversation = groups.update_group(user, conversation_id, changes)
    else:
        conversation = conversation_for(user, conversation_id)
    if timer_given:
        conversation = set_timer(user, conversation, seconds)
    return conversation


def set_timer(user, conversation, seconds):
    """Messages sent from now on disappear `seconds` after they were sent (None: they stay)."""
    if conversation.type == "group":
        conversation = groups.admin_group(user, conversation.id)
    if conversation.disappearing_seconds == seconds:
        return conversation
    changed = Conversation.objects(id=conversation.id).modify(set__disappearing_seconds=seconds,
                                                              set__updated_at=utcnow(), new=True)
    cached.forget_conversation(conversation.id)
    announce(ConversationUpdated(changed, user.id, seconds))
    return changed
