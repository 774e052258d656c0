"""Finding the caller's conversations: one by id (404 unless they take part), the page of all
of them, and the users a request names."""
from backend2.errors import Codes, NotFound, ValidationFailed
from backend2.models import Conversation, Message, User
from backend2.services.support import cached
from backend2.utils.ids import parse_object_id


def conversation_for(user, conversation_id):
    """The conversation if the user takes part in it; 404 otherwise (never 403: that would confirm it exists)."""
    oid = parse_object_id(conversation_id)
    conversation = Conversation.find_for_participant(oid, user.id) if oid else None
    if conversation is None:
        raise NotFound("Conversation not found", code=Codes.CONVERSATION_NOT_FOUND)
    return conversation


def membership_for(user, conversation_id):
    """As `conversation_for`, from the membership every process keeps current (services/support/cached.py):
    for sending, typing and receipts, which need who is in it and its rules, not its cursors."""
    oid = parse_object_id(conversation_id)
    conversation = cached.membership(oid) if oid else None
    if conversation is None or user.id not in conversation.participants:
        return conversation_for(user, conversation_id)  # by an Express server's id, or 404
    return conversation


def list_conversations(user, page, limit, archived=None):
    """One page of the user's conversations, with their last messages: (conversations, {id:
    last message}, pagination). Those they pinned come first (latest pin first), then by latest
    activity; `archived` true or false keeps only archived or only other chats. (The pin order
    is the user's own, so MongoDB sorts a user's chats in memory: a few hundred documents.)"""
    own = f"memberSettings.{user.id}"
    match = {"participants": user.id}
    if archived is not None:
        match[f"{own}.archived"] = True if archived else {"$ne": True}
    total = Conversation.objects(__raw__=match).count()
    rows = Conversation.page_with_last_messages(match, {f"{own}.pinnedAt": -1, "updatedAt": -1, "_id": -1},
                                                (page - 1) * limit, limit)
    last = {record["_id"]: Message.from_raw(record) for _, record in rows if record is not None}
    pagination = {"page": page, "limit": limit, "total": total, "hasMore": page * limit < total}
    return [conversation for conversation, _ in rows], last, pagination


def member_id_of(user, raw_id):
    """The user id a path names: the caller's own, or another user's by either id they have
    (the apps may still hold an id an Express server gave); None when it names nobody."""
    oid = parse_object_id(raw_id)
    if oid is None or oid == user.id:
        return oid
    found = User.by_id_or_legacy_id(oid)
    return found.id if found else None


def user_id_for_phone(phone):
    """The id of the user with this E.164 number; 404 if none."""
    user = User.objects(phone=phone).only("id").first()
    if user is None:
        raise NotFound("User not found", code=Codes.USER_NOT_FOUND)
    return user.id


def distinct_ids(raw_ids, exclude=None):
    """Parsed ObjectIds in their first order, without duplicates; 400 for a malformed id."""
    ids = []
    for raw in raw_ids:
        oid = parse_object_id(raw)
        if oid is None:
            raise ValidationFailed("Not a user id", details={"participants": [f"Not a user id: {str(raw)[:40]}"]})
        if oid != exclude and oid not in ids:
            ids.append(oid)
    return ids
