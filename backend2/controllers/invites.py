"""Group invite links.

An admin makes a link with `POST /conversations/<id>/invite-link` (a new one revokes the old),
reads it with `GET` and revokes it with `DELETE`. A signed-in user who has the token sees the
group's name, photo, description and size with `GET /invite/<token>` and joins with `POST
/invite/<token>/join` (joining twice changes nothing; a full group is 400 `group_too_large`).
An unknown or revoked token is 404 `invite_not_found`. Everyone in the group sees "Bob joined
using an invite link".
"""
from apifairy import authenticate, other_responses, response
from flask import Blueprint

from backend2.controllers.conversations import conversation_response
from backend2.middlewares.auth import current_user, token_auth
from backend2.schemas.conversations import ConversationSchema
from backend2.schemas.invites import InviteLinkSchema, InvitePreviewSchema
from backend2.services.conversations import invites

invites_bp = Blueprint("invites", __name__)

ADMIN_ERRORS = {400: "Not a group", 403: "Admins only", 404: "No such conversation of the caller"}
NOT_FOUND = {404: "No such invite link, or it was revoked"}


@invites_bp.post("/conversations/<conversation_id>/invite-link")
@authenticate(token_auth)
@response(InviteLinkSchema, 201)
@other_responses(ADMIN_ERRORS)
def create_link(conversation_id):
    """Make a new invite link for a group (admins); the old one stops working"""
    return invites.create_link(current_user(), conversation_id), 201


@invites_bp.get("/conversations/<conversation_id>/invite-link")
@authenticate(token_auth)
@response(InviteLinkSchema)
@other_responses(ADMIN_ERRORS)
def current_link(conversation_id):
    """The group's invite link, if there is one (admins)"""
    return invites.current_link(current_user(), conversation_id)


@invites_bp.delete("/conversations/<conversation_id>/invite-link")
@authenticate(token_auth)
@response(InviteLinkSchema)
@other_responses(ADMIN_ERRORS)
def revoke_link(conversation_id):
    """Revoke the group's invite link (admins)"""
    return invites.revoke_link(current_user(), conversation_id)


@invites_bp.get("/invite/<token>")
@authenticate(token_auth)
@response(InvitePreviewSchema)
@other_responses(NOT_FOUND)
def preview(token):
    """What an invite link leads to"""
    return invites.preview(current_user(), token)


@invites_bp.post("/invite/<token>/join")
@authenticate(token_auth)
@response(ConversationSchema)
@other_responses({**NOT_FOUND, 400: "The group is full"})
def join(token):
    """Join a group by its invite link"""
    return conversation_response(invites.join(current_user(), token))
