"""What a viewer sees of messages and conversations: recipients, reply previews, status,
reactions, mentions, the last message and the unread counts, each gathered in as few queries
as possible."""
from backend2.models import Conversation, Message
from backend2.services import privacy, receipts
from backend2.services.conversation_settings import cleared_at, settings_of
from backend2.services.conversations import with_people
from backend2.utils.time import as_utc

REPLY_PREVIEW_CHARS = 100
REACTION_USERS_SHOWN = 3
FORWARDED_MANY_TIMES = 5  # hops after which a forward is labelled "forwarded many times"


def present_messages(viewer_id, messages, conversations=None, people=None):
    """Attach `to_user`, `status` (the copy of `viewer_id` when they sent it) and `reply_preview`;
    `people` ({id: User} of the participants, when the caller has them) spares privacy lookups."""
    conversations = conversations or {
        c.id: c for c in Conversation.objects(id__in=list({m.conversation for m in messages}))
    }
    reply_ids = [m.reply_to for m in messages if m.reply_to]
    replied = {m.id: m for m in Message.objects(id__in=reply_ids).only("id", "sender", "text", "type", "deleted")
               } if reply_ids else {}
    hidden = {}  # per conversation, looked up only when a status would be `read`

    def hidden_readers(conversation):
        return lambda: hidden.setdefault(conversation.id, privacy.hidden_readers(viewer_id, conversation.participants,
                                                                                 people))

    for message in messages:
        conversation = conversations.get(message.conversation)
        message.to_user = _recipient(message, conversation)
        message.status = (receipts.status_of(message, conversation, hidden_readers(conversation))
                          if conversation is not None and message.sender == viewer_id else None)
        message.reply_preview = _preview(replied.get(message.reply_to)) if message.reply_to else None
        message.forwarded_many_times = message.forward_count >= FORWARDED_MANY_TIMES
        message.__dict__.update(viewer_fields(message, viewer_id))
    return messages


def present_one(viewer_id, message, conversation):
    return present_messages(viewer_id, [message], {conversation.id: conversation})[0]


def forward_results(viewer_id, results):
    """A forward's outcome per target: {conversationId, ok, message} or {conversationId, ok: false, error}."""
    return [{"conversationId": target, "ok": error is None,
             "message": present_one(viewer_id, *sent) if sent else None,
             "error": error.to_dict() if error else None} for target, sent, error in results]


def viewer_fields(message, viewer_id):
    """What differs between two recipients' copies of a message: `mentions_me` and each reaction's `mine`."""
    return {"mentions_me": viewer_id in message.mentions,
            "reaction_summary": [{"emoji": reaction.emoji, "count": len(reaction.users),
                                  "user_ids": reaction.users[:REACTION_USERS_SHOWN],
                                  "mine": viewer_id in reaction.users}
                                 for reaction in message.reactions]}


def viewer_key(message, viewer_id):
    """Recipients with equal keys see equal copies (one emit for all of them)."""
    return viewer_id in message.mentions, tuple(viewer_id in reaction.users for reaction in message.reactions)


def _recipient(message, conversation):
    if conversation is None or conversation.type != "direct":
        return None
    return next((p for p in conversation.participants if p != message.sender), None)


def _preview(quoted):
    if quoted is None:
        return None
    return {"id": quoted.id, "sender": quoted.sender, "type": quoted.type, "deleted": quoted.deleted,
            "text": quoted.text[:REPLY_PREVIEW_CHARS]}


def present_conversations(viewer, conversations, last_messages=None):
    """Attach people, the presented last message, the viewer's unread counts and settings: the
    same few queries for one conversation or a hundred. `last_messages` ({id: Message}), when
    the caller has them, spares reading them."""
    with_people(conversations, viewer)
    people = {user.id: user for conversation in conversations for user in conversation.people}
    by_id = {c.id: c for c in conversations}
    if last_messages is None:
        last_ids = [c.last_message for c in conversations if c.last_message]
        last_messages = list(Message.objects(id__in=last_ids).exclude("edits")) if last_ids else []
    else:
        last_messages = list(last_messages.values())
    last = {m.id: m for m in present_messages(viewer.id, last_messages, by_id, people)}
    counts = receipts.unread_counts(viewer, conversations)
    for conversation in conversations:
        message = last.get(conversation.last_message)
        conversation.last_message_view = message if message is not None and visible_to(viewer.id, message,
                                                                                        conversation) else None
        conversation.unread_count, conversation.unread_mentions = counts.get(conversation.id, (0, 0))
        conversation.own_settings = settings_of(conversation, viewer.id)
    return hide_read_cursors(viewer, conversations, people)


def visible_to(viewer_id, message, conversation):
    """False for a message the viewer deleted for themselves or cleared from their history."""
    cleared = cleared_at(conversation, viewer_id)
    return viewer_id not in message.hidden_for and not (cleared and as_utc(message.created_at) <= cleared)


def hide_read_cursors(viewer, conversations, people=None):
    """`readUpTo` shows only the read state the viewer may see (read receipts turned off)."""
    hidden = {str(uid) for uid in privacy.hidden_readers(viewer.id, {uid for c in conversations
                                                                     for uid in c.participants}, people)}
    for conversation in conversations:
        conversation.read_up_to = {uid: at for uid, at in conversation.read_up_to.items() if uid not in hidden}
    return conversations
