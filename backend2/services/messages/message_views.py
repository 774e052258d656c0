"""What a viewer sees of messages and conversations: recipients, reply previews, status,
reactions, mentions, the last message and the unread counts, each gathered in as few queries
as possible."""
from backend2.models import Conversation, Message, User
from backend2.services.conversations import receipts
from backend2.services.conversations.conversation_settings import cleared_at, settings_of
from backend2.services.people import privacy
from backend2.services.people.presenter import present_people
from backend2.utils.time import as_utc
from backend2.utils.views import Presented

REPLY_PREVIEW_CHARS = 100
REACTION_USERS_SHOWN = 3
FORWARDED_MANY_TIMES = 5  # hops after which a forward is labelled "forwarded many times"


def present_messages(viewer_id, messages, conversations=None, people=None):
    """Each message as `viewer_id` sees it (new views; the messages stay as loaded): `to_user`,
    `status` (the viewer's own messages only), `reply_preview` and the viewer's fields. `people`
    ({id: User} of the participants, when the caller has them) spares privacy lookups."""
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

    def present(message):
        conversation = conversations.get(message.conversation)
        return Presented(
            message, to_user=_recipient(message, conversation),
            status=(receipts.status_of(message, conversation, hidden_readers(conversation))
                    if conversation is not None and message.sender == viewer_id else None),
            reply_preview=_preview(replied.get(message.reply_to)) if message.reply_to else None,
            forwarded_many_times=message.forward_count >= FORWARDED_MANY_TIMES,
            **viewer_fields(message, viewer_id))

    return [present(message) for message in messages]


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
    """Each conversation as `viewer` sees it (new views; the documents stay as loaded): its people,
    the presented last message, the viewer's unread counts and settings, the read cursors they
    may see: the same few queries for one conversation or a hundred. `last_messages` ({id:
    Message}), when the caller has them, spares reading them."""
    users = _participants_of(conversations)
    shown = {person["id"]: person for person in present_people(viewer, list(users.values()))}
    by_id = {c.id: c for c in conversations}
    if last_messages is None:
        last_ids = [c.last_message for c in conversations if c.last_message]
        last_messages = list(Message.objects(id__in=last_ids).exclude("edits")) if last_ids else []
    else:
        last_messages = list(last_messages.values())
    last = {m.id: m for m in present_messages(viewer.id, last_messages, by_id, users)}
    counts = receipts.unread_counts(viewer, conversations)
    hidden = _hidden_readers_of(viewer, conversations, users)

    def present(conversation):
        message = last.get(conversation.last_message)
        unread, mentions = counts.get(conversation.id, (0, 0))
        return Presented(
            conversation, people=[shown[uid] for uid in conversation.participants if uid in shown],
            last_message_view=message if message is not None and visible_to(viewer.id, message, conversation) else None,
            unread_count=unread, unread_mentions=mentions, own_settings=settings_of(conversation, viewer.id),
            read_up_to=_readable(conversation, hidden))

    return [present(conversation) for conversation in conversations]


def _participants_of(conversations):
    """{id: User} of everyone taking part in these conversations, in one query."""
    ids = {uid for conversation in conversations for uid in conversation.participants}
    return {user.id: user for user in User.objects(id__in=list(ids))}


def visible_to(viewer_id, message, conversation):
    """False for a message the viewer deleted for themselves or cleared from their history."""
    cleared = cleared_at(conversation, viewer_id)
    return viewer_id not in message.hidden_for and not (cleared and as_utc(message.created_at) <= cleared)


def hide_read_cursors(viewer, conversations, people=None):
    """Each conversation with only the read cursors the viewer may see (read receipts turned off)."""
    hidden = _hidden_readers_of(viewer, conversations, people)
    return [Presented(conversation, read_up_to=_readable(conversation, hidden)) for conversation in conversations]


def _hidden_readers_of(viewer, conversations, people):
    everyone = {uid for conversation in conversations for uid in conversation.participants}
    return {str(uid) for uid in privacy.hidden_readers(viewer.id, everyone, people)}


def _readable(conversation, hidden):
    return {uid: at for uid, at in conversation.read_up_to.items() if uid not in hidden}
