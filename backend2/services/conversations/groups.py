"""Groups: creating them, and the rules of their settings, members and admins; each change is
announced (GroupChanged)."""
from flask import current_app

from backend2.errors import Codes, Conflict, Forbidden, NotFound, ValidationFailed
from backend2.models import Conversation
from backend2.services.conversations.lookup import conversation_for, distinct_ids, member_id_of
from backend2.services.media import uploads
from backend2.services.people.directory import visible_user
from backend2.services.support import cached
from backend2.services.support.announce import announce
from backend2.services.support.events import GroupChanged
from backend2.utils.text import has_visible_text
from backend2.utils.time import utcnow


def create_group(user, member_ids, data):
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


def _check_group_size(size):
    maximum = current_app.config["GROUP_MAX_MEMBERS"]
    if size > maximum:
        raise ValidationFailed(f"A group has at most {maximum} members", code=Codes.GROUP_TOO_LARGE)


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
    requested = distinct_ids(raw_ids)
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
    """The user joins a group by its invite link (services/conversations/invites.py); nothing changes for a member."""
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
