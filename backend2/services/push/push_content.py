"""What a push says: title, body, data, badge, collapse id and lifetime, the same for both
providers (backend2/infra/fcm.py and apns.py write it in each one's format).

`data` always has `type` (message, message_update, message_withdrawn, badge, call,
call_ended) and the ids the app needs; the text is only in the title and body, and only
when PUSH_INCLUDE_CONTENT is on and the recipient kept `pushPreviews`, and never for a
disappearing message.
"""
import time
from datetime import datetime, timezone

from flask import current_app

from backend2.utils.time import as_utc, iso

GENERIC_BODY = "New message"
WITHDRAWN_BODY = "This message was deleted"
PREVIEW_CHARS = 120
LABELS = {"image": "📷 Photo", "video": "🎥 Video", "audio": "🎤 Voice message", "file": "📎 File",
          "location": "📍 Location", "contact": "👤 Contact"}
CALL_ENDED_BODIES = {"answered_elsewhere": "Answered on another device", "timeout": "Missed {kind} call",
                     "cancelled": "Missed {kind} call"}
STOP_RINGING_SECONDS = 60


def _push(kind, data, expires_at, urgent, title=None, body=None, badge=None, collapse_id=None, thread_id=None):
    return {"kind": kind, "data": {"type": kind, **{k: str(v) for k, v in data.items()}}, "expiresAt": expires_at,
            "urgent": urgent, "title": title, "body": body, "badge": badge, "collapseId": collapse_id,
            "threadId": thread_id}


def _shows_content(recipient):
    return current_app.config["PUSH_INCLUDE_CONTENT"] and recipient.push_previews


def message_push(kind, message, conversation, sender, recipient, badge):
    """A new message (`message`), its edit (`message_update`) or deletion (`message_withdrawn`):
    one notification per message, replaced in place through its collapse id. A disappearing
    message's push never carries its text, which would outlive it on the lock screen."""
    title, body = None, GENERIC_BODY
    if _shows_content(recipient) and message.expires_at is None:
        preview = WITHDRAWN_BODY if kind == "message_withdrawn" else _preview(message)
        if conversation.type == "group":
            title, body = conversation.name or "Group", f"{sender.name}: {preview}"
        else:
            title, body = sender.name, preview
    elif kind == "message_withdrawn":
        body = WITHDRAWN_BODY
    data = {"conversationId": conversation.id, "messageId": message.id, "senderId": message.sender}
    expires_at = as_utc(message.created_at).timestamp() + current_app.config["PUSH_MAX_AGE_SECONDS"]
    return _push(kind, data, expires_at, urgent=kind == "message", title=title, body=body, badge=badge,
                 collapse_id=str(message.id), thread_id=str(conversation.id))


def _preview(message):
    text = " ".join(message.text.split())
    if len(text) > PREVIEW_CHARS:
        text = text[:PREVIEW_CHARS - 1] + "…"
    label = LABELS.get(message.type)
    return f"{label}: {text}" if label and text else (text or label or "")


def badge_push(conversation_id, badge):
    """Silent: the new badge after a read elsewhere, so the app clears that chat's notifications."""
    return _push("badge", {"conversationId": conversation_id}, time.time() + current_app.config["PUSH_MAX_AGE_SECONDS"],
                 urgent=False, badge=badge, collapse_id="badge")


def call_push(call, caller, rings_until):
    """Ring: a VoIP push on iOS, a high-priority data message on Android, living as long as the
    ring does."""
    kind = "voice" if call["type"] == "audio" else "video"
    data = {"callId": call["callId"], "callerId": caller.id, "callerName": caller.name, "callType": call["type"],
            "conversationId": call["conversation"],
            "expiresAt": iso(datetime.fromtimestamp(rings_until, tz=timezone.utc))}
    return _push("call", data, rings_until, urgent=True, title=caller.name, body=f"Incoming {kind} call",
                 collapse_id=call["callId"])


def call_ended_push(call_id, call_type, reason):
    """Stop ringing: the call was answered elsewhere, cancelled or not answered in time."""
    kind = "voice" if call_type == "audio" else "video"
    body = CALL_ENDED_BODIES.get(reason, "Call ended").format(kind=kind)
    return _push("call_ended", {"callId": call_id, "reason": reason}, time.time() + STOP_RINGING_SECONDS,
                 urgent=True, body=body, collapse_id=call_id)


def export_push(job_id):
    """The account export asked for is ready to download (the app fetches GET /users/me/export/<jobId>)."""
    return _push("export_ready", {"jobId": job_id}, time.time() + current_app.config["PUSH_MAX_AGE_SECONDS"],
                 urgent=False, title="Your data is ready", body="Your account export can be downloaded now",
                 collapse_id=f"export-{job_id}")
