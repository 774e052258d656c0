"""What a viewer sees of messages and conversations: recipients, reply previews, status,
the last message and the unread count, each gathered in as few queries as possible."""
from backend2.models import Conversation, Message
from backend2.services import privacy, receipts
from backend2.services.conversation_settings import settings_of
from backend2.services.conversations import with_people

REPLY_PREVIEW_CHARS = 100


def present_messages(viewer_id, messages, conversations=None):
    """Attach `to_user`, `status` (the copy of `viewer_id` when they sent it) and `reply_preview`."""
    conversations = conversations or {
        c.id: c for c in Conversation.objects(id__in=list({m.conversation for m in messages}))
    }
    reply_ids = [m.reply_to for m in messages if m.reply_to]
    replied = {m.id: m for m in Message.objects(id__in=reply_ids).only("id", "sender", "text", "type", "deleted")
               } if reply_ids else {}
    hidden = {}  # per conversation, looked up only when a status would be `read`

    def hidden_readers(conversation):
        return lambda: hidden.setdefault(conversation.id, privacy.hidden_readers(viewer_id, conversation.participants))

    for message in messages:
        conversation = conversations.get(message.conversation)
        message.to_user = _recipient(message, conversation)
        message.status = (receipts.status_of(message, conversation, hidden_readers(conversation))
                          if conversation is not None and message.sender == viewer_id else None)
        message.reply_preview = _preview(replied.get(message.reply_to)) if message.reply_to else None
    return messages


def _recipient(message, conversation):
    if conversation is None or conversation.type != "direct":
        return None
    return next((p for p in conversation.participants if p != message.sender), None)


def _preview(quoted):
    if quoted is None:
        return None
    return {"id": quoted.id, "sender": quoted.sender, "type": quoted.type, "deleted": quoted.deleted,
            "text": quoted.text[:REPLY_PREVIEW_CHARS]}


def present_conversations(viewer, conversations):
    """Attach people, the presented last message, the viewer's unread count and settings."""
    with_people(conversations, viewer)
    by_id = {c.id: c for c in conversations}
    last_ids = [c.last_message for c in conversations if c.last_message]
    last = {m.id: m for m in present_messages(viewer.id, list(Message.objects(id__in=last_ids).exclude("edits")), by_id)}
    for conversation in conversations:
        message = last.get(conversation.last_message)
        conversation.last_message_view = None if message is None or viewer.id in message.hidden_for else message
        conversation.unread_count = receipts.unread_query(viewer, conversation).count()
        settings = settings_of(conversation, viewer.id)
        conversation.muted_until, conversation.muted = settings["mutedUntil"], settings["muted"]
    return hide_read_cursors(viewer, conversations)


def hide_read_cursors(viewer, conversations):
    """`readUpTo` shows only the read state the viewer may see (read receipts turned off)."""
    hidden = {str(uid) for uid in privacy.hidden_readers(viewer.id, {uid for c in conversations
                                                                     for uid in c.participants})}
    for conversation in conversations:
        conversation.read_up_to = {uid: at for uid, at in conversation.read_up_to.items() if uid not in hidden}
    return conversations
