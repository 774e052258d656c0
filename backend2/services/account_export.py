"""Everything stored about a person, for them to take away (`GET /users/me/export`).

A zip holding `backend2-export.json` (profile and settings, sessions, contacts, blocks,
conversations, their own messages, calls, chat requests, the list of their files) and, when
their files come to at most EXPORT_INLINE_MAX_BYTES, the files under `files/`; otherwise the
list gives each file a signed link that lasts UPLOAD_LINK_TTL_SECONDS.
"""
import io
import json
import time
import zipfile

from flask import current_app

from backend2.models import Call, ChatRequest, ContactBook, Conversation, Message, Session, Upload
from backend2.services import file_store
from backend2.utils.links import signed
from backend2.utils.time import iso, utcnow

ARCHIVE_NAME = "backend2-export.json"


def export_archive(user):
    """The zip's bytes."""
    uploads = list(Upload.objects(owner=user.id))
    inline = sum(upload.size for upload in uploads) <= current_app.config["EXPORT_INLINE_MAX_BYTES"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(ARCHIVE_NAME, json.dumps({**_records(user), "files": _files(uploads, inline)}, indent=2))
        if inline:
            for upload in uploads:
                archive.writestr(f"files/{upload.stored_name}", file_store.read(upload.stored_name))
    return buffer.getvalue()


def _records(user):
    uid = user.id
    contacts = ContactBook.objects(user=uid).first()
    return {
        "exportedAt": iso(utcnow()),
        "profile": {"id": str(uid), "name": user.name, "phone": user.phone, "email": user.email, "about": user.about,
                    "avatar": user.avatar, "createdAt": iso(user.created_at), "lastSeen": iso(user.last_seen),
                    "settings": {"pushPreviews": user.push_previews, "badgeIncludesMuted": user.badge_includes_muted}},
        "sessions": [{"id": str(s.id), "platform": s.platform, "deviceName": s.device_name, "ip": s.ip,
                      "userAgent": s.user_agent, "createdAt": iso(s.created_at), "lastSeenAt": iso(s.last_seen_at),
                      "expiresAt": iso(s.expires_at), "revokedAt": iso(s.revoked_at),
                      "pushProvider": s.push.provider if s.push else None} for s in Session.objects(user=uid)],
        "contacts": [{"phone": e.phone, "name": e.name} for e in (contacts.entries if contacts else [])],
        "blocked": [str(blocked) for blocked in user.blocked_users],
        "conversations": [{"id": str(c.id), "type": c.type, "name": c.name,
                           "participants": [str(p) for p in c.participants], "createdAt": iso(c.created_at),
                           "mutedUntil": iso((c.member_settings.get(str(uid)) or {}).get("mutedUntil"))}
                          for c in Conversation.objects(participants=uid)],
        "messages": [_message(m) for m in Message.objects(sender=uid).order_by("created_at")],
        "calls": [{"id": str(c.id), "caller": str(c.caller), "callee": str(c.callee), "type": c.type,
                   "outcome": c.outcome, "duration": c.duration, "createdAt": iso(c.created_at)}
                  for c in Call.objects(participants=uid).order_by("created_at")],
        "chatRequests": [{"id": str(r.id), "from": str(r.sender), "to": str(r.to), "status": r.status,
                          "message": r.message, "createdAt": iso(r.created_at)}
                         for r in ChatRequest.objects(__raw__={"$or": [{"from": uid}, {"to": uid}]})],
    }


def _message(message):
    return {"id": str(message.id), "conversationId": str(message.conversation), "type": message.type,
            "text": message.text,
            "attachments": [{"url": a.url, "name": a.name, "size": a.size, "mimeType": a.mime_type}
                            for a in message.attachments],
            "location": message.location or None, "contact": message.contact or None,
            "replyTo": str(message.reply_to) if message.reply_to else None, "createdAt": iso(message.created_at),
            "editedAt": iso(message.edited_at), "deleted": message.deleted,
            "previousVersions": [{"text": e.text, "editedAt": iso(e.edited_at)} for e in message.edits]}


def _files(uploads, inline):
    config = current_app.config
    files = []
    for upload in uploads:
        entry = {"name": upload.name, "storedName": upload.stored_name, "size": upload.size,
                 "mimeType": upload.mime_type, "createdAt": iso(upload.created_at)}
        if inline:
            entry["path"] = f"files/{upload.stored_name}"
        else:
            entry["url"] = signed(file_store.upload_url(upload.stored_name), f"{config['PUBLIC_URL']}/uploads/",
                                  config["JWT_SECRET"], config["UPLOAD_LINK_TTL_SECONDS"], time.time())
        files.append(entry)
    return files
