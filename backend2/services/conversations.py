"""Direct and group conversations: who may open them, and the group membership rules."""
from flask import current_app
from mongoengine import NotUniqueError

from backend2.errors import Codes, Conflict, Forbidden, NotFound, ValidationFailed
from backend2.models import ChatRequest, Conversation, Message, User
from backend2.services import cached, uploads
from backend2.services.announce import announce
from backend2.services.contacts import has_contact
from backend2.services.directory import visible_user
from backend2.services.events import GroupChanged
from backend2.utils.ids import parse_object_id
from backend2.utils.text import has_visible_text
from backend2.utils.time import utcnow


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
    others = _distinct_ids(data["participants"], exclude=user.id)
    kind = data.get("type") or ("group" if len(others) > 1 else "direct")
    if kind == "direct":
        if len(others) != 1:
            raise ValidationFailed("A direct conversation has exactly one other participant",
                                   details={"participants": ["Give exactly one other user"]})
        return open_direct_conversation(user, others[0])
    return _create_group(user, others, data), True


def _create_group(user, member_ids, data):
    if not has_visible_text(data.get("name", "")):
        raise ValidationFailed("A group needs a name", details={"name": ["Missing data for required field."]})
    if not member_ids:
        raise ValidationFailed("A group needs at least one other member", details={"participants": ["Empty"]})
    _check_group_size(len(member_ids) + 1)
    members = [oid for oid in dict.fromkeys(visible_user(user, member_id).id for member_id in member_ids)
               if oid != user.id]
    group = Conversation(
        type="group", participants=[user.id, *members], admins=[user.id], created_by=user.id,
        name=data["name"].strip(), avatar=_kept(data.get("avatar")), description=data.get("description"),
    ).save()
    announce(GroupChanged(group, user.id, "group_created", user_ids=tuple(members)))
    return group


def _kept(avatar):
    """A group avatar refers to its upload from now on (the orphan sweep leaves it alone)."""
    return uploads.keep_avatar(avatar) if avatar else avatar


def _distinct_ids(raw_ids, exclude=None):
    """Parsed ObjectIds in their first order, without duplicates; 400 for a malformed id."""
    ids = []
    for raw in raw_ids:
        oid = parse_object_id(raw)
        if oid is None:
            raise ValidationFailed("Not a user id", details={"participants": [f"Not a user id: {str(raw)[:40]}"]})
        if oid != exclude and oid not in ids:
            ids.append(oid)
    return ids


def _check_group_size(size):
    maximum = current_app.config["GROUP_MAX_MEMBERS"]
    if size > maximum:
        raise ValidationFailed(f"A group has at most {maximum} members", code=Codes.GROUP_TOO_LARGE)


def conversation_for(user, conversation_id):
    """The conversation if the user takes part in it; 404 otherwise (never 403: that would confirm it exists)."""
    oid = parse_object_id(conversation_id)
    conversation = Conversation.find_for_participant(oid, user.id) if oid else None
    if conversation is None:
        raise NotFound("Conversation not found", code=Codes.CONVERSATION_NOT_FOUND)
    return conversation


def membership_for(user, conversation_id):
    """As `conversation_for`, from the membership every process keeps current (services/cached.py):
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


def admin_group(user, conversation_id):
    conversation = _group_for(user, conversation_id)
    if user.id not in conversation.admins:
        raise Forbidden("Only group admins may do this", code=Codes.ADMIN_REQUIRED)
    return conversation


def _group_for(user, conversation_id):
    conversation = conversation_for(user, conversation_id)
    if conversation.type != "group":
        raise ValidationFailed("This is not a group conversation", code=Codes.NOT_A_GROUP)
    return conversation


GROUP_SETTINGS = {"description": "description", "onlyAdminsCanSend": "only_admins_can_send",
                  "onlyAdminsCanPin": "only_admins_can_pin"}


def update_group(user, conversation_id, changes):
    """Name, avatar, description, and who may send and pin (admins); each change is announced in the chat."""
    conversation = admin_group(user, conversation_id)
    wanted = {}
    if "name" in changes:
        if not has_visible_text(changes["name"]):
            raise ValidationFailed("A group needs a name", details={"name": ["Empty"]})
        wanted["name"] = changes["name"].strip()
    if "avatar" in changes:
        wanted["avatar"] = _kept(changes["avatar"])
    wanted.update({field: changes[name] for name, field in GROUP_SETTINGS.items() if name in changes})
    changed = [field for field, value in wanted.items() if getattr(conversation, field) != value]
    if not changed:
        return conversation
    conversation = Conversation.objects(id=conversation.id).modify(
        **{f"set__{field}": wanted[field] for field in changed}, set__updated_at=utcnow(), new=True)
    cached.forget_conversation(conversation.id)
    announce(GroupChanged(conversation, user.id, "group_updated", changes=tuple(changed)))
    return conversation


def add_members(user, conversation_id, raw_ids):
    conversation = admin_group(user, conversation_id)
    requested = _distinct_ids(raw_ids)
    _check_group_size(len(set(conversation.participants) | set(requested)))
    new_ids = [oid for oid in dict.fromkeys(visible_user(user, oid).id for oid in requested)
               if oid not in conversation.participants]
    if new_ids:
        Conversation.objects(id=conversation.id).update_one(add_to_set__participants=new_ids)
        cached.forget_conversation(conversation.id)
        conversation.reload()
        announce(GroupChanged(conversation, user.id, "members_added", user_ids=tuple(new_ids)))
    return conversation


def join_group(user, conversation):
    """The user joins a group by its invite link (services/invites.py); nothing changes for a member."""
    if user.id in conversation.participants:
        return conversation
    _check_group_size(len(conversation.participants) + 1)
    Conversation.objects(id=conversation.id).update_one(add_to_set__participants=user.id)
    cached.forget_conversation(conversation.id)
    conversation.reload()
    announce(GroupChanged(conversation, user.id, "member_joined", user_ids=(user.id,)))
    return conversation


def remove_member(user, conversation_id, member_id):
    """An admin removes anyone; anyone may remove themselves (leave). Admin passes on if needed."""
    target = member_id_of(user, member_id)
    conversation = _group_for(user, conversation_id) if target == user.id else admin_group(user, conversation_id)
    if target not in conversation.participants:
        raise NotFound("Not a member of this group", code=Codes.MEMBER_NOT_FOUND)
    Conversation.objects(id=conversation.id).update_one(pull__participants=target, pull__admins=target)
    hand_over_admin(conversation.id)
    cached.forget_conversation(conversation.id)
    # Announced to the members before the change, so the one who left or was removed hears it too.
    action = "member_left" if target == user.id else "member_removed"
    announce(GroupChanged(conversation, user.id, action, user_ids=(target,)))
    conversation.reload()
    return conversation


def member_id_of(user, raw_id):
    """The user id a path names: the caller's own, or another user's by either id they have
    (the apps may still hold an id an Express server gave); None when it names nobody."""
    oid = parse_object_id(raw_id)
    if oid is None or oid == user.id:
        return oid
    found = User.by_id_or_legacy_id(oid)
    return found.id if found else None


def hand_over_admin(conversation_id):
    """When the last admin has gone, the oldest remaining member becomes admin."""
    conversation = Conversation.objects(id=conversation_id).only("participants", "admins").get()
    if not conversation.admins and conversation.participants:
        Conversation.objects(id=conversation_id, admins__size=0).update_one(push__admins=conversation.participants[0])


def add_admin(user, conversation_id, member_id):
    conversation = admin_group(user, conversation_id)
    target = member_id_of(user, member_id)
    if target not in conversation.participants:
        raise NotFound("Not a member of this group", code=Codes.MEMBER_NOT_FOUND)
    if Conversation.objects(id=conversation.id, admins__ne=target).update_one(add_to_set__admins=target):
        cached.forget_conversation(conversation.id)
        conversation.reload()
        announce(GroupChanged(conversation, user.id, "admin_added", user_ids=(target,)))
    return conversation


def remove_admin(user, conversation_id, member_id):
    conversation = admin_group(user, conversation_id)
    target = member_id_of(user, member_id)
    if target not in conversation.admins:
        raise NotFound("Not an admin of this group", code=Codes.ADMIN_NOT_FOUND)
    # Only while another admin remains, checked in the same write.
    if not Conversation.objects(id=conversation.id, admins=target, __raw__={"admins.1": {"$exists": True}}).update_one(
        pull__admins=target
    ):
        raise Conflict("A group needs at least one admin; make someone else admin first", code=Codes.LAST_ADMIN)
    cached.forget_conversation(conversation.id)
    conversation.reload()
    announce(GroupChanged(conversation, user.id, "admin_removed", user_ids=(target,)))
    return conversation


def user_id_for_phone(phone):
    """The id of the user with this E.164 number; 404 if none."""
    user = User.objects(phone=phone).only("id").first()
    if user is None:
        raise NotFound("User not found", code=Codes.USER_NOT_FOUND)
    return user.id
