"""The export's zip, written as it is read: `backend2-export.json` (profile and settings,
sessions, contacts, blocks, conversations, their own messages, calls, chat requests, the list
of their files) and the files under `files/`.

Messages are read from the database a batch at a time and each file is copied in chunks, so
the memory an export takes does not grow with the account (bench/export_memory.py).
"""
import io
import json
import shutil
import zipfile

from backend2.models import Call, ChatRequest, ContactBook, Conversation, Message, Session, Star
from backend2.services.media import file_store
from backend2.utils import user_settings
from backend2.utils.time import iso, utcnow

ARCHIVE_NAME = "backend2-export.json"
CHUNK_BYTES = 1024 * 1024
MESSAGE_BATCH = 500


def write_archive(user, uploads, target):
    """Write the zip of `user`, with the files of `uploads`, into the file object `target`."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(ARCHIVE_NAME, "w", force_zip64=True) as entry:
            _write_records(io.TextIOWrapper(entry, encoding="utf-8"), user, uploads)
        for upload in uploads:
            with file_store.open_stored(upload.stored_name) as source, \
                    archive.open(f"files/{upload.stored_name}", "w", force_zip64=True) as entry:
                shutil.copyfileobj(source, entry, CHUNK_BYTES)


def _write_records(out, user, uploads):
    """One JSON document, its messages streamed between the small records and the files."""
    out.write("{\n")
    for key, value in _records(user).items():
        out.write(f"  {json.dumps(key)}: {json.dumps(value)},\n")
    out.write('  "messages": [')
    # Disappearing messages are left out: an export would keep them past their time.
    messages = (Message.objects(sender=user.id, expires_at=None).order_by("created_at").no_cache()
                .batch_size(MESSAGE_BATCH))
    for n, message in enumerate(messages):
        out.write(("," if n else "") + "\n    " + json.dumps(_message(message)))
    out.write(f'\n  ],\n  "files": {json.dumps(_files(uploads))}\n}}\n')
    out.flush()
    out.detach()


def _records(user):
    uid = user.id
    contacts = ContactBook.objects(user=uid).first()
    return {
        "exportedAt": iso(utcnow()),
        "profile": {"id": str(uid), "name": user.name, "phone": user.phone, "email": user.email, "about": user.about,
                    "avatar": user.avatar, "createdAt": iso(user.created_at), "lastSeen": iso(user.last_seen),
                    "settings": user_settings.by_names(user)},
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
        "starred": [{"messageId": str(s.message), "conversationId": str(s.conversation), "starredAt": iso(s.created_at)}
                    for s in Star.objects(user=uid).order_by("id")],
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
            "linkPreview": {**message.link_preview, "fetchedAt": iso(message.link_preview.get("fetchedAt"))}
            if message.link_preview else None,
            "previousVersions": [{"text": e.text, "editedAt": iso(e.edited_at)} for e in message.edits]}


def _files(uploads):
    return [{"name": upload.name, "storedName": upload.stored_name, "size": upload.size, "mimeType": upload.mime_type,
             "createdAt": iso(upload.created_at), "path": f"files/{upload.stored_name}"} for upload in uploads]
