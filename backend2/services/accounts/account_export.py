"""Everything stored about a person, for them to take away (`GET /users/me/export`).

A zip holding `backend2-export.json` (profile and settings, sessions, contacts, blocks,
conversations, their own messages, calls, chat requests, the list of their files) and the
files under `files/`. When the files come to at most EXPORT_INLINE_MAX_BYTES the zip is the
answer; otherwise a job builds it in the background and stores it as an upload of the person
(so only they may fetch it, and the orphan sweep removes it after UPLOAD_ORPHAN_TTL_HOURS), and
`export_job` tells how it is going and, when done, where to fetch it.
"""
import io
import json
import logging
import threading
import uuid
import zipfile

from flask import current_app

from backend2.errors import Codes, NotFound
from backend2.extensions import redis_store
from backend2.models import Call, ChatRequest, ContactBook, Conversation, Message, Session, Star, Upload
from backend2.services.media import file_store
from backend2.utils import user_settings
from backend2.utils.time import iso, utcnow

ARCHIVE_NAME = "backend2-export.json"
JOB_TTL_SECONDS = 24 * 3600
log = logging.getLogger(__name__)


def export_now_or_later(user):
    """("zip", bytes) when small enough, else ("job", {jobId, status}) of a job just started."""
    uploads = [u for u in Upload.objects(owner=user.id) if not u.stored_name.startswith("export-")]
    if sum(upload.size for upload in uploads) <= current_app.config["EXPORT_INLINE_MAX_BYTES"]:
        return "zip", export_archive(user, uploads)
    job_id = uuid.uuid4().hex
    pipe = redis_store.state.pipeline(transaction=True)
    pipe.hset(_job_key(job_id), mapping={"owner": str(user.id), "status": "pending"})
    pipe.expire(_job_key(job_id), JOB_TTL_SECONDS)
    pipe.execute()
    app = current_app._get_current_object()
    threading.Thread(target=_build, args=(app, user, uploads, job_id), daemon=True).start()
    return "job", {"jobId": job_id, "status": "pending", "url": None}


def export_job(user, job_id):
    """{jobId, status (pending, ready, failed), url}: `url` is the zip's upload link once ready."""
    job = {key.decode(): value.decode() for key, value in redis_store.state.hgetall(_job_key(job_id)).items()}
    if job.get("owner") != str(user.id):
        raise NotFound("No such export of the caller", code=Codes.NOT_FOUND)
    return {"jobId": job_id, "status": job["status"], "url": job.get("url")}


def _job_key(job_id):
    return redis_store.key("export", job_id)


def _build(app, user, uploads, job_id):
    with app.app_context():
        try:
            name = f"export-{job_id}.zip"
            data = export_archive(user, uploads)
            file_store.save({name: data})
            Upload(stored_name=name, owner=user.id, name="backend2-export.zip", size=len(data),
                   mime_type="application/zip").save()
            redis_store.state.hset(_job_key(job_id), mapping={"status": "ready", "url": file_store.upload_url(name)})
        except Exception:
            log.exception("Export %s of %s failed", job_id, user.id)
            redis_store.state.hset(_job_key(job_id), "status", "failed")


def export_archive(user, uploads):
    """The zip's bytes, with the files of `uploads` in it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(ARCHIVE_NAME, json.dumps({**_records(user), "files": _files(uploads)}, indent=2))
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
        "messages": [_message(m) for m in Message.objects(sender=uid).order_by("created_at")],
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
            "previousVersions": [{"text": e.text, "editedAt": iso(e.edited_at)} for e in message.edits]}


def _files(uploads):
    return [{"name": upload.name, "storedName": upload.stored_name, "size": upload.size, "mimeType": upload.mime_type,
             "createdAt": iso(upload.created_at), "path": f"files/{upload.stored_name}"} for upload in uploads]
