"""Sending, editing and deleting messages: every rule, for REST and Socket.IO alike."""
import logging

from bson import ObjectId
from flask import current_app
from mongoengine import NotUniqueError
from pymongo.errors import ConnectionFailure

from backend2.errors import Codes, Conflict, Forbidden, NotFound, ValidationFailed
from backend2.infra import metrics
from backend2.models import Conversation, Edit, Message
from backend2.services import cached, rate_budgets, unannounced_sends
from backend2.services.announce import announce
from backend2.services.blocks import blocked_between
from backend2.services.conversations import (
    conversation_for,
    membership_for,
    open_direct_conversation,
    participant_key,
)
from backend2.services.events import MessageCreated, MessageDeleted, MessageEdited, MessageUnpinned
from backend2.services.uploads import attachments_for
from backend2.services.message_views import visible_to
from backend2.utils.ids import parse_object_id
from backend2.utils.search_terms import terms_of
from backend2.utils.time import utcnow

EDIT_ATTEMPTS = 3
log = logging.getLogger(__name__)


def send_message(user, data):
    """Store a message: (message, conversation, created). A retry with the same clientId
    returns the first copy, whatever the retry carries, as long as it is still valid."""
    if data.get("from") not in (None, str(user.id)):
        raise Forbidden("'from' must be the signed-in user", code=Codes.SENDER_MISMATCH)
    rate_budgets.spend("messages", user.id)
    conversation = _target_conversation(user, data)
    message = _build_message(user, conversation, data)
    try:
        store(message, conversation)
    except NotUniqueError:  # a retry: this sender's clientId is stored already (unique index)
        earlier = Message.objects(sender=user.id, client_id=message.client_id).exclude("edits").get()
        conversation = conversation_for(user, earlier.conversation)
        if unannounced_sends.take(user.id, message.client_id):
            _announce(earlier, conversation)
        return earlier, conversation, False
    return message, conversation, True


def store(message, conversation):
    """Insert the message, then announce it. An insert that failed may have been applied all
    the same (a timeout): the retry that finds it stored announces it then."""
    try:
        message.save(force_insert=True)
    except ConnectionFailure:
        if message.client_id:
            unannounced_sends.remember(message.sender, message.client_id)
        raise
    metrics.messages_stored.labels(message.type).inc()
    _announce(message, conversation)


def _announce(message, conversation):
    """Make it the conversation's last message and tell every device.

    Once the insert succeeded the message is announced whatever happens to the bump: a retry
    with its clientId would find it stored and (rightly) not announce it a second time. When a
    receiver failed, the send is marked so that the retry announces it again; until then every
    device finds it at its next sync.
    """
    try:
        Conversation.bump(conversation.id, message.id, message.created_at)
    except Exception:  # the database failed just now; the next message moves lastMessage
        log.exception("Message %s stored, but its conversation's lastMessage was not moved", message.id)
    if not announce(MessageCreated(message, conversation)) and message.client_id:
        unannounced_sends.remember(message.sender, message.client_id)


CALL_LABELS = {"answered": "{kind} call", "missed": "Missed {kind} call", "busy": "Missed {kind} call",
               "declined": "Declined {kind} call"}


def record_call(call):
    """A `type: "call"` message from the caller in their direct conversation, so both apps show
    the call in the chat and the callee's unread count includes it."""
    conversation = Conversation.objects(id=call.conversation).first()
    if conversation is None:
        return None
    kind = "voice" if call.type == "audio" else "video"
    now = utcnow()
    message = Message(
        conversation=conversation.id, sender=call.caller, type="call",
        text=CALL_LABELS[call.outcome].format(kind=kind).capitalize(),
        call={"callId": str(call.id), "type": call.type, "outcome": call.outcome, "duration": call.duration},
        created_at=now, updated_at=now,
    )
    store(message, conversation)
    return message


def _target_conversation(user, data):
    if "conversationId" in data:
        conversation = membership_for(user, data["conversationId"])
    else:
        existing = cached.direct_conversation_id(participant_key(user.id, data["to"]))
        conversation = (membership_for(user, existing) if existing
                        else open_direct_conversation(user, data["to"])[0])  # checks who may start one
    check_may_send(user, conversation)
    return conversation


def check_may_send(user, conversation):
    """Refuse a message to a user who blocked the sender (or whom they blocked), and a member's
    message to an announcement group."""
    if conversation.type == "direct":
        other = next((p for p in conversation.participants if p != user.id), None)
        if other is not None and blocked_between(user, other):
            raise Forbidden("You cannot message this user", code=Codes.BLOCKED)
    elif conversation.only_admins_can_send and user.id not in conversation.admins:
        raise Forbidden("Only admins may send messages in this group", code=Codes.ADMINS_ONLY_SEND)


def _build_message(user, conversation, data):
    attachments = attachments_for(data.get("attachments", []))
    kind = data.get("type") or _kind_of(attachments, data)
    text = data.get("text", "")
    if not text.strip() and not attachments and not data.get("location") and not data.get("contact"):
        raise ValidationFailed("A message needs text, an attachment, a location or a contact", code=Codes.EMPTY_MESSAGE)
    if kind in ("location", "contact") and not data.get(kind):
        raise ValidationFailed(f"A {kind} message needs '{kind}'", details={kind: ["Missing data for required field."]})
    reply_to = data.get("replyTo")
    if reply_to:
        _check_reply(user, conversation, reply_to)
    now = utcnow()
    return Message(
        conversation=conversation.id, sender=user.id, type=kind, text=text, attachments=attachments,
        location=data.get("location"), contact=data.get("contact"), reply_to=reply_to,
        mentions=_mentions(conversation, data.get("mentions", [])), search_terms=terms_of(text),
        client_id=data.get("clientId"), created_at=now, updated_at=now,
    )


def _check_reply(user, conversation, reply_to):
    """A reply quotes a message of this conversation that the sender can still see."""
    quoted = Message.objects(id=reply_to, conversation=conversation.id).only(
        "id", "hidden_for", "created_at").first()
    if quoted is None or not visible_to(user.id, quoted, conversation):
        raise ValidationFailed("replyTo must be a message of this conversation", code=Codes.INVALID_REPLY)


def _mentions(conversation, raw_ids):
    """The mentioned user ids, each a member of the conversation."""
    mentioned = list(dict.fromkeys(ObjectId(raw) for raw in raw_ids))
    strangers = [str(uid) for uid in mentioned if uid not in conversation.participants]
    if strangers:
        raise ValidationFailed("Only members of this conversation can be mentioned", code=Codes.INVALID_MENTION,
                               details={"mentions": [f"Not a member: {uid}" for uid in strangers[:5]]})
    return mentioned


def _kind_of(attachments, data):
    if attachments:
        mime = attachments[0].mime_type or ""
        return next((kind for kind in ("image", "audio", "video") if mime.startswith(kind + "/")), "file")
    return next((kind for kind in ("location", "contact") if data.get(kind)), "text")


def message_for(user, message_id):
    """(message, conversation) when the user takes part in the message's conversation; 404 otherwise."""
    oid = parse_object_id(message_id)
    message = Message.objects(id=oid).first() if oid else None
    if message is None or user.id in message.hidden_for:
        raise NotFound("Message not found", code=Codes.MESSAGE_NOT_FOUND)
    try:
        conversation = conversation_for(user, message.conversation)
    except NotFound:
        raise NotFound("Message not found", code=Codes.MESSAGE_NOT_FOUND)
    if not visible_to(user.id, message, conversation):  # cleared from the user's history
        raise NotFound("Message not found", code=Codes.MESSAGE_NOT_FOUND)
    return message, conversation


def edit_message(user, message_id, text):
    """Replace the text (sender only, not once deleted), keeping the previous version."""
    max_chars = current_app.config["MESSAGE_MAX_CHARS"]
    for _ in range(EDIT_ATTEMPTS):
        message, conversation = message_for(user, message_id)
        if message.sender != user.id:
            raise Forbidden("Only the sender may edit a message", code=Codes.NOT_SENDER)
        if message.type in ("call", "system"):
            raise Forbidden("A call or system entry cannot be edited", code=Codes.NOT_EDITABLE)
        if message.deleted:
            raise Conflict("This message was deleted", code=Codes.MESSAGE_DELETED)
        if len(text) > max_chars or (not text.strip() and not message.attachments):
            raise ValidationFailed("Invalid text", details={"text": [f"1 to {max_chars} characters"]})
        now = utcnow()
        previous = Edit(text=message.text, edited_at=message.edited_at or message.created_at)
        # Only if nobody changed it since we read it; otherwise read again and retry.
        edited = Message.objects(id=message.id, deleted=False, updated_at=message.updated_at).modify(
            push__edits=previous, set__text=text, set__search_terms=terms_of(text), set__edited_at=now,
            set__updated_at=now, new=True)
        if edited is not None:
            announce(MessageEdited(edited, conversation))
            return edited, conversation
    raise Conflict("The message is being changed by another request; try again", code=Codes.EDIT_CONFLICT)


def delete_message(user, message_id, scope):
    """`everyone`: sender or group admin makes it a tombstone. `me`: hidden from this user only."""
    message, conversation = message_for(user, message_id)
    if scope == "me":
        Message.objects(id=message.id).update_one(add_to_set__hidden_for=user.id, set__updated_at=utcnow())
        message.reload()
        announce(MessageDeleted(message, conversation, scope, user.id))
        return message, conversation
    if message.sender != user.id and not (conversation.type == "group" and user.id in conversation.admins):
        raise Forbidden("Only the sender or a group admin may delete this for everyone", code=Codes.NOT_ALLOWED)
    return tombstone(message, conversation, user.id), conversation


def tombstone(message, conversation, actor_id):
    """Delete a message for everyone (text, attachments, versions, reactions, mentions and its pin
    erased; the id kept) and tell the participants; returns it as it is now."""
    if Message.objects(id=message.id, deleted=False).update_one(**tombstone_changes(utcnow())):
        message.reload()
        if Conversation.pull_pin(conversation.id, message.id):
            announce(MessageUnpinned(message, conversation, actor_id))
        announce(MessageDeleted(message, conversation, "everyone", actor_id))
    return message


def tombstone_changes(now):
    """The update that makes messages tombstones: everything they said is erased, the ids stay."""
    return dict(set__deleted=True, set__deleted_at=now, set__updated_at=now, set__text="", set__attachments=[],
                set__edits=[], set__reactions=[], set__mentions=[], set__search_terms=[], unset__location=True,
                unset__contact=True)


def message_history(user, message_id):
    """The versions of a message, oldest first, ending with the current one."""
    message, _ = message_for(user, message_id)
    versions = [{"text": edit.text, "editedAt": edit.edited_at} for edit in message.edits]
    versions.append({"text": message.text, "editedAt": message.edited_at or message.created_at})
    return {"messageId": message.id, "versions": versions}
