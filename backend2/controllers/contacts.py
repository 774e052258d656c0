"""The synced address book: who of my contacts uses the app, and starting a chat with them.

A sync replaces the caller's address book (at most `CONTACT_SYNC_MAX` entries). Numbers are
read in the caller's own country first, then `DEFAULT_REGION`; duplicates are merged and
invalid ones counted. Someone in the caller's synced contacts can be messaged at once; anyone
else needs a chat request.
"""
from apifairy import authenticate, other_responses, response
from flask import Blueprint, current_app

from backend2.controllers.conversations import conversation_response
from backend2.middlewares.auth import current_user, token_auth
from backend2.middlewares.validation import json_body
from backend2.schemas.contacts import ContactSyncResultSchema, ContactSyncSchema, StartChatSchema
from backend2.schemas.conversations import ConversationSchema
from backend2.services.conversations import direct, lookup
from backend2.services.people import contacts
from backend2.services.people.phones import normalize_phone
from backend2.utils.phone import region_of

contacts_bp = Blueprint("contacts", __name__, url_prefix="/contacts")


@contacts_bp.post("/sync")
@authenticate(token_auth)
@json_body(ContactSyncSchema)
@response(ContactSyncResultSchema)
def sync(data):
    """Replace the caller's address book; returns who of them uses the app, with the saved names"""
    matches, stats = contacts.sync_contacts(current_user(), data["contacts"], current_app.config["DEFAULT_REGION"])
    return {"users": matches, **stats}


@contacts_bp.post("/start-chat")
@authenticate(token_auth)
@json_body(StartChatSchema)
@response(ConversationSchema, 201)
@other_responses({200: "The existing conversation", 403: "Not a contact: a chat request is needed",
                  404: "Unknown or blocked user"})
def start_chat(data):
    """Open (or return) the direct conversation with a contact"""
    user = current_user()
    target = data.get("userId") or lookup.user_id_for_phone(
        normalize_phone(data["phone"], region=region_of(user.phone)))
    return conversation_response(*direct.open_direct_conversation(user, target))
