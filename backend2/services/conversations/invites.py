"""Joining a group by link: an admin makes (or remakes, which revokes the old one) a token;
a signed-in user sees the group's preview with it and joins.

The token is 128 random bits, so links cannot be guessed (and REST rate limits bound trying);
a revoked or remade link answers 404 `invite_not_found`, as an unknown one does. Blocks do
not keep anyone with the link out (a group is not a direct chat): admins remove members and
revoke the link.
"""
import secrets

from flask import current_app

from backend2.errors import Codes, NotFound
from backend2.models import Conversation
from backend2.services.conversations.groups import admin_group, join_group


def create_link(user, conversation_id):
    """A new invite token for the group (admins); any earlier one stops working."""
    conversation = admin_group(user, conversation_id)
    token = secrets.token_urlsafe(16)
    Conversation.objects(id=conversation.id).update_one(set__invite_token=token)
    return _link(conversation.id, token)


def revoke_link(user, conversation_id):
    conversation = admin_group(user, conversation_id)
    Conversation.objects(id=conversation.id).update_one(unset__invite_token=True)
    return {"conversationId": conversation.id, "token": None, "url": None}


def current_link(user, conversation_id):
    conversation = admin_group(user, conversation_id)
    return _link(conversation.id, conversation.invite_token)


def _link(conversation_id, token):
    url = f"{current_app.config['PUBLIC_URL']}/invite/{token}" if token else None
    return {"conversationId": conversation_id, "token": token, "url": url}


def preview(user, token):
    """What the link leads to: the group's name, photo, description and size, and whether the caller is in it."""
    group = _group_of(token)
    return {"conversationId": group.id, "name": group.name, "avatar": group.avatar, "description": group.description,
            "memberCount": len(group.participants), "alreadyMember": user.id in group.participants}


def join(user, token):
    return join_group(user, _group_of(token))


def _group_of(token):
    group = Conversation.objects(invite_token=token, type="group").first() if token else None
    if group is None:
        raise NotFound("No such invite link, or it was revoked", code=Codes.INVITE_NOT_FOUND)
    return group
