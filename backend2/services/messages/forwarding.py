"""Forwarding a message to other conversations of the caller.

Each target gets a copy sent by the caller: the text, the attachments and the link preview (the
same stored files, not uploaded again: being in a message of the target is what lets its members
fetch them), a location or a contact; `forwarded: true` and `forwardCount`, one more hop than the original.
Targets are independent: each answers with its message or its own error, as a send there would.
"""
from backend2.errors import AppError, Codes, Conflict, Forbidden
from backend2.services.conversations.lookup import membership_for
from backend2.services.messages.message_queries import message_for
from backend2.services.messages.sending import check_may_send, store
from backend2.services.support import rate_budgets
from backend2.utils.time import utcnow

NOT_FORWARDABLE = ("call", "system")


def forward(user, message_id, conversation_ids):
    """[(conversation id, message and conversation or None, error or None)] in the order given."""
    original, _ = message_for(user, message_id)
    if original.deleted:
        raise Conflict("This message was deleted", code=Codes.MESSAGE_DELETED)
    if original.type in NOT_FORWARDABLE:
        raise Forbidden("A call or system entry cannot be forwarded", code=Codes.NOT_FORWARDABLE)
    results = []
    for conversation_id in dict.fromkeys(conversation_ids):
        try:
            results.append((conversation_id, _copy_to(user, original, conversation_id), None))
        except AppError as error:
            results.append((conversation_id, None, error))
    return results


def _copy_to(user, original, conversation_id):
    conversation = membership_for(user, conversation_id)
    check_may_send(user, conversation)
    rate_budgets.spend("messages", user.id)
    now = utcnow()
    copy = store(dict(
        conversation=conversation.id, sender=user.id, type=original.type, text=original.text,
        attachments=original.attachments, location=original.location, contact=original.contact,
        link_preview=original.link_preview,
        search_terms=original.search_terms, forwarded=True, forward_count=original.forward_count + 1,
        created_at=now, updated_at=now,
    ), conversation)
    return copy, conversation
