"""Reports of a message, a user or a conversation, by someone who can see it.

A report keeps a copy of the messages it is about as they were (the reported message; the
reported user's latest messages to the reporter; a conversation's latest messages), so a
deletion afterwards does not erase the evidence. Reporting a message or a user may block the
sender in the same request (`block: true`).
"""
from backend2.models import Conversation, Message, Report, ReportedMessage
from backend2.services.conversations.lookup import conversation_for
from backend2.services.messages.message_queries import message_for
from backend2.services.people import blocks
from backend2.services.people.directory import find_user, visible_user

EVIDENCE_MESSAGES = 50


def file_report(user, data):
    """Record the report; returns it."""
    report = Report(reporter=user.id, reason=data["reason"], note=data.get("note", ""))
    if "messageId" in data:
        message, conversation = message_for(user, data["messageId"])
        report.message, report.conversation, report.reported_user = message.id, conversation.id, message.sender
        report.evidence = [_copy(message)]
    elif "userId" in data:
        reported = visible_user(user, data["userId"])
        report.reported_user = reported.id
        shared = Conversation.objects(participants__all=[user.id, reported.id]).scalar("id")
        report.evidence = _latest(Message.objects(conversation__in=list(shared), sender=reported.id))
    else:
        conversation = conversation_for(user, data["conversationId"])
        report.conversation = conversation.id
        report.evidence = _latest(Message.objects(conversation=conversation.id, hidden_for__ne=user.id))
    report.save()
    if data.get("block") and report.reported_user and report.reported_user != user.id:
        blocks.block(user, find_user(report.reported_user))
    return report


def _latest(messages):
    return [_copy(m) for m in messages.exclude("edits").order_by("-created_at").limit(EVIDENCE_MESSAGES)]


def _copy(message):
    return ReportedMessage(message_id=message.id, conversation=message.conversation, sender=message.sender,
                           type=message.type, text=message.text, attachments=[a.url for a in message.attachments],
                           created_at=message.created_at, edited_at=message.edited_at)
