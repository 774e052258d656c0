"""Sending messages: who may send where, what a message is made of, storing it once whatever
the retries, and announcing it."""
import logging

from bson import ObjectId
from mongoengine import NotUniqueError
from pymongo.errors import ConnectionFailure

from backend2.errors import Codes, Forbidden, ValidationFailed
from backend2.infra import metrics
from backend2.models import Conversation, Message
from backend2.services.conversations.direct import open_direct_conversation, participant_key
from backend2.services.conversations.lookup import conversation_for, membership_for
from backend2.services.media.uploads import attachments_for
from backend2.services.messages import expiry, link_previews, unannounced_sends
from backend2.services.messages.message_views import visible_to
from backend2.services.people.blocks import blocked_between
from backend2.services.support import cached, rate_budgets
from backend2.services.support.announce import announce
from backend2.services.support.events import MessageCreated
from backend2.utils.search_terms import terms_of
from backend2.utils.time import utcnow

log = logging.getLogger(__name__)


def send_message(user, data):
    """Store a message: (message, conversation, created). A retry with the same clientId
    returns the first copy, whatever the retry carries, as long as it is still valid."""
    if data.get("from") not in (None, str(user.id)):
        raise Forbidden("'from' must be the signed-in user", code=Codes.SENDER_MISMATCH)
    rate_budgets.spend("messages", user.id)
    conversation = _target_conversation(user, data)
    values = _build_message(user, conversation, data)
    try:
        message = store(values, conversation)
    except NotUniqueError:  # a retry: this sender's clientId is stored already (unique index)
        client_id = values["client_id"]
        earlier = Message.objects(sender=user.id, client_id=client_id).exclude("edits").get()
        conversation = conversation_for(user, earlier.conversation)
        if unannounced_sends.take(user.id, client_id):
            _announce(earlier, conversation)
        if earlier.expires_at is not None and not earlier.deleted:
            expiry.schedule(earlier)  # the first try may have stored it and failed before its deadline
        return earlier, conversation, False
    link_previews.after_send(user, message, data)
    return message, conversation, True


def store(values, conversation):
    """Insert a new message (its field values), announce it, and return it as stored (values
    read like the document, models/stored.py: load the Message to change it). An insert that
    failed may have been applied all the same (a timeout): the retry that finds it stored
    announces it then. In a chat with disappearing messages it carries `expiresAt`, and its deadline."""
    values["expires_at"] = expiry.expires_at(conversation, values)
    try:
        message = Message.insert_new(**values)
    except ConnectionFailure:
        if values.get("client_id"):
            unannounced_sends.remember(values["sender"], values["client_id"])
        raise
    if message.expires_at is not None:
        expiry.schedule(message)
    metrics.messages_stored.labels(message.type).inc()
    cached.remember_message_time(message)
    _announce(message, conversation)
    return message


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
    return store(dict(
        conversation=conversation.id, sender=call.caller, type="call",
        text=CALL_LABELS[call.outcome].format(kind=kind).capitalize(),
        call={"callId": str(call.id), "type": call.type, "outcome": call.outcome, "duration": call.duration},
        created_at=now, updated_at=now,
    ), conversation)


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
    return dict(
        conversation=conversation.id, sender=user.id, type=kind, text=text, attachments=attachments,
        location=data.get("location"), contact=data.get("contact"), reply_to=reply_to,
        mentions=_mentions(conversation, data.get("mentions", [])), search_terms=terms_of(text),
        link_preview=link_previews.given_preview(data, text), client_id=data.get("clientId"), created_at=now,
        updated_at=now,
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
