"""Messages: every history, under the `_id`s the apps cached, in `createdAt` order.

Each message gets Backend2's fields from either shape (`content`/`text`, `sender`/`from`,
`conversationId`/`conversation`), its conversation as merged, its files as Backend2 uploads,
and its edited and deleted state (a deleted one is a tombstone: no text, no files). A mobile
message without a known conversation but with `from` and `to` goes into that pair's chat.
Its `updatedAt` is the time of the import that wrote it, so `GET /messages/sync` brings it to
devices that synced before a later import run.

Receipts feed the cursor book (`cursors.py`), which is settled once every message is in.
"""
from backend2.models import Message
from backend2.services.conversations.direct import participant_key
from backend2.services.legacy.chat_shapes import read_message
from backend2.services.legacy.cursors import settle
from backend2.services.legacy.engine import Plan
from backend2.utils.search_terms import terms_of

FILE_TYPES = ("image", "audio", "video", "file")
TYPE_NAMES = {"voice": "audio", "document": "file", "photo": "image", "sticker": "image", "gif": "image"}
KNOWN_TYPES = ("text", *FILE_TYPES, "location", "contact", "call")


def import_messages(run):
    with run.phase("messages") as section:
        writer = run.writer(Message, section)
        batch = []
        for record in run.records("messages", section, read_message):
            doc = record.doc
            sender = run.users.get(record.sender)
            conversation = _conversation_of(run, record, sender, section)
            if sender is None:
                section.reject(doc, "unknown_sender", f"sender {record.sender} was not imported")
            elif conversation is None:
                section.reject(doc, "unknown_conversation", f"conversation {record.conversation} was not imported")
            else:
                batch.append((record, conversation, sender))
            if len(batch) >= run.batch_size:
                _plan_batch(run, writer, batch)
                batch = []
        _plan_batch(run, writer, batch)
        writer.flush()
    with run.phase("conversations") as conversations:
        settle(run, conversations)


def _conversation_of(run, record, sender, section):
    found = run.conversations.get(record.conversation)
    if found is None and record.to is not None and sender is not None and run.users.get(record.to) is not None:
        found = run.direct.get(participant_key(sender, run.users[record.to]))
        if found is not None:
            section.repair(record.doc, "conversation_from_sender_and_recipient", str(found))
    return found


def _plan_batch(run, writer, batch):
    """Files and replies of the whole batch in one go, then one plan per message."""
    wanted = [("attachment", item["url"], sender, record.doc)
              for record, _, sender in batch if not record.deleted for item in record.files]
    stored = run.files.resolve(wanted) if wanted else {}
    _learn_reply_targets(run, batch)
    for record, conversation, sender in batch:
        if record.reply_to and run.messages.get(record.reply_to) != conversation:
            writer.section.repair(record.doc, "reply_dropped", f"replyTo {record.reply_to} is not in this chat")
            record.reply_to = None
        attachments = [] if record.deleted else _attachments(record, stored)
        writer.add(_message_plan(run, record, conversation, sender, attachments))
        _note_receipts(run, record, conversation, sender)


def _learn_reply_targets(run, batch):
    """Which conversation each replied-to message is in: this run's, or one imported before."""
    run.messages.update((record.doc.legacy_id, conversation) for record, conversation, _ in batch)
    unknown = [record.reply_to for record, _, _ in batch if record.reply_to and record.reply_to not in run.messages]
    for oid, stored in Message.raw_by_ids(unknown, {"conversation": 1}).items():
        run.messages[oid] = stored.get("conversation")


def _attachments(record, stored):
    found = []
    for item in record.files:
        upload = stored.get(("attachment", item["url"]))
        if upload is not None:
            attachment = {**upload, "name": item.get("name") or upload.get("name") or ""}
            found.append({key: value for key, value in attachment.items() if value is not None})
    return found


def _message_plan(run, record, conversation, sender, attachments):
    deleted = record.deleted
    return Plan(
        target_id=record.doc.legacy_id, docs=[record.doc], updated_at=record.updated_at,
        fields={"conversation": conversation, "sender": sender, "type": _kind(record, attachments),
                "text": "" if deleted else record.text, "searchTerms": [] if deleted else terms_of(record.text),
                "attachments": attachments,
                "location": None if deleted else record.location, "contact": None if deleted else record.contact,
                "replyTo": record.reply_to, "editedAt": record.edited_at, "deleted": deleted,
                "deletedAt": record.deleted_at,
                "hiddenFor": list(dict.fromkeys(run.users[u] for u in record.hidden_for if u in run.users)),
                "createdAt": record.created_at, "updatedAt": run.run_at},
        on_insert={"edits": []})


def _kind(record, attachments):
    """Backend2's type: the stored one when the message still has what it needs, else from its content."""
    kind = TYPE_NAMES.get(record.type, record.type)
    if record.deleted and kind in KNOWN_TYPES:
        return kind
    needs = {**{name: attachments for name in FILE_TYPES}, "location": record.location, "contact": record.contact}
    if kind in KNOWN_TYPES and (kind not in needs or needs[kind]):
        return kind
    if attachments:
        mime = attachments[0].get("mimeType") or ""
        return next((name for name in ("image", "audio", "video") if mime.startswith(name + "/")), "file")
    return "location" if record.location else "contact" if record.contact else "text"


def _note_receipts(run, record, conversation, sender):
    """Per-message receipts into the cursor book: `readBy`/`deliveredTo`, or `status`, which
    speaks for every other participant."""
    participants = run.chats.get(conversation, [])
    others = [user for user in participants if user != sender]
    read = {run.users.get(user) for user in record.read_by} & set(participants)
    delivered = {run.users.get(user) for user in record.delivered_to} & set(participants)
    if record.status == "read":
        read.update(others)
    if record.status in ("delivered", "read"):
        delivered.update(others)
    for user in read - {sender}:
        run.cursors.saw(conversation, user, read=record.created_at)
    for user in delivered - read - {sender}:
        run.cursors.saw(conversation, user, delivered=record.created_at)
    run.cursors.message(conversation, record.created_at, record.doc.legacy_id)
