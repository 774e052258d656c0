"""Direct chats: who may open one without a request, and opening it once whoever asks first."""
from mongoengine import NotUniqueError

from backend2.errors import Codes, Forbidden, ValidationFailed
from backend2.models import ChatRequest, Conversation
from backend2.services.conversations.groups import create_group
from backend2.services.conversations.lookup import distinct_ids
from backend2.services.people.contacts import has_contact
from backend2.services.people.directory import visible_user


def participant_key(first_id, second_id):
    """The key of the direct conversation between two users: both ids sorted and joined."""
    return ":".join(sorted((str(first_id), str(second_id))))


def may_chat_without_request(user, other):
    """True when a direct chat needs no request: a contact, an accepted request or an existing chat."""
    key = participant_key(user.id, other.id)
    return (
        has_contact(user, other.phone)
        or Conversation.objects(participant_key=key).count() > 0
        or ChatRequest.objects(sender__in=[user.id, other.id], to__in=[user.id, other.id], status="accepted").count() > 0
    )


def direct_conversation_for(user, other):
    """The direct conversation of the two users, created if needed: (conversation, created).

    Two simultaneous creations meet at the unique participantKey index; the loser returns
    the winner's conversation.
    """
    key = participant_key(user.id, other.id)
    existing = Conversation.objects(participant_key=key).first()
    if existing is not None:
        return existing, False
    try:
        conversation = Conversation(
            type="direct", participants=[user.id, other.id], participant_key=key, created_by=user.id
        ).save()
        return conversation, True
    except NotUniqueError:
        return Conversation.objects(participant_key=key).get(), False


def open_direct_conversation(user, other_id):
    """Open (or return) the chat with another user, who must be a contact or have accepted a request."""
    other = visible_user(user, other_id)
    if other.id == user.id:
        raise ValidationFailed("You cannot start a chat with yourself", code=Codes.CANNOT_CHAT_WITH_SELF)
    if not may_chat_without_request(user, other):
        raise Forbidden("This user is not in your contacts; send a chat request first",
                        code=Codes.CHAT_REQUEST_REQUIRED)
    return direct_conversation_for(user, other)


def create_conversation(user, data):
    """POST /conversations: a direct chat with one user, or a group (name required)."""
    others = distinct_ids(data["participants"], exclude=user.id)
    kind = data.get("type") or ("group" if len(others) > 1 else "direct")
    if kind == "direct":
        if len(others) != 1:
            raise ValidationFailed("A direct conversation has exactly one other participant",
                                   details={"participants": ["Give exactly one other user"]})
        return open_direct_conversation(user, others[0])
    return create_group(user, others, data), True
