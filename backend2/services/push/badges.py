"""The number on the app icon: the user's unread messages across their conversations."""
from backend2.models import Conversation, Message
from backend2.services.conversations.conversation_settings import is_muted, unread_after


def unread_total(user):
    """Others' visible messages after the user's read cursor, in every conversation (muted ones
    too unless the user turned `badgeIncludesMuted` off): one count, whatever the chats."""
    clauses = []
    for conversation in Conversation.objects(participants=user.id).only("id", "read_up_to", "member_settings"):
        if not user.badge_includes_muted and is_muted(conversation, user.id):
            continue
        after = unread_after(conversation, user.id)
        clauses.append({"conversation": conversation.id, **({"createdAt": {"$gt": after}} if after else {})})
    if not clauses:
        return 0
    return Message.objects(__raw__={"$or": clauses}, sender__ne=user.id, deleted=False, hidden_for__ne=user.id,
                           type__ne="system").count()
