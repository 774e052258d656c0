"""Changing sent messages: editing (with its history) and deleting, for the sender, a group admin, or oneself only."""
from flask import current_app

from backend2.errors import Codes, Conflict, Forbidden, ValidationFailed
from backend2.models import Conversation, Edit, Message
from backend2.services.media.file_removal import files_of, remove_unheld
from backend2.services.messages import link_previews
from backend2.services.messages.message_queries import message_for
from backend2.services.support.announce import announce
from backend2.services.support.events import MessageDeleted, MessageEdited, MessageUnpinned
from backend2.utils.search_terms import terms_of
from backend2.utils.time import utcnow

EDIT_ATTEMPTS = 3


def edit_message(user, message_id, text):
    """Replace the text (sender only, not once deleted), keeping the previous version. An edit that
    changes the first link drops its card, which would show another page, and asks for the new one's."""
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
        new_link = link_previews.link_changed(message.text, text)
        # Only if nobody changed it since we read it; otherwise read again and retry.
        edited = Message.objects(id=message.id, deleted=False, updated_at=message.updated_at).modify(
            push__edits=previous, set__text=text, set__search_terms=terms_of(text), set__edited_at=now,
            set__updated_at=now, new=True, **({"unset__link_preview": True} if new_link else {}))
        if edited is not None:
            announce(MessageEdited(edited, conversation))
            if new_link:
                link_previews.after_send(user, edited, {})
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
    tombstone(message, conversation, user.id)
    return message, conversation


def tombstone(message, conversation, actor_id, scope="everyone", erasing=None, **more_changes):
    """Delete a message for everyone (text, attachments, versions, reactions, mentions, link
    preview and its pin erased, with `more_changes`; the id kept) and tell the participants
    (`scope`: "everyone", or "expired" for a disappearing message); True when this call did it
    (once, whoever else tries), and `message` is then the tombstone. `erasing(message)` runs
    after the write and before anyone is told. A disappearing message's files go with it, as they
    would have at its time (unless another message still shows them)."""
    files = files_of(message) if message.expires_at is not None else []
    if not Message.objects(id=message.id, deleted=False).update_one(**tombstone_changes(utcnow()), **more_changes):
        return False
    message.reload()
    if erasing is not None:
        erasing(message)
    remove_unheld(files)
    if Conversation.pull_pin(conversation.id, message.id):  # the pins as they are now, without it
        announce(MessageUnpinned(message, Conversation.objects(id=conversation.id).first(), actor_id))
    announce(MessageDeleted(message, conversation, scope, actor_id))
    return True


def tombstone_changes(now):
    """The update that makes messages tombstones: everything they said is erased, the ids stay."""
    return dict(set__deleted=True, set__deleted_at=now, set__updated_at=now, set__text="", set__attachments=[],
                set__edits=[], set__reactions=[], set__mentions=[], set__search_terms=[], unset__location=True,
                unset__contact=True, unset__link_preview=True)


def message_history(user, message_id):
    """The versions of a message, oldest first, ending with the current one."""
    message, _ = message_for(user, message_id)
    versions = [{"text": edit.text, "editedAt": edit.edited_at} for edit in message.edits]
    versions.append({"text": message.text, "editedAt": message.edited_at or message.created_at})
    return {"messageId": message.id, "versions": versions}
