"""Everything stored about a person, for them to take away (`GET /users/me/export`).

When their files come to at most EXPORT_INLINE_MAX_BYTES the zip is the answer; otherwise the
job `build_export` builds it on a worker, stores it as an upload of the person (so only they
may fetch it, with a signed link, and the orphan sweep removes it after UPLOAD_ORPHAN_TTL_HOURS)
and tells them: an `export_ready` socket event and a push. `export_job` says how it is going.
Either way the zip is written as it is read (services/accounts/export_archive.py).
"""
import logging
import os
import tempfile
import uuid

from flask import current_app

from backend2.errors import Codes, NotFound
from backend2.extensions import jobs, redis_store
from backend2.models import Message, Upload, User
from backend2.services.accounts.export_archive import write_archive
from backend2.services.media import file_store
from backend2.services.support.announce import announce
from backend2.services.support.events import ExportReady

JOB_TTL_SECONDS = 24 * 3600
LEASE_MS = 30 * 60 * 1000  # longer than the largest export takes; see the job's time limit
SPOOL_BYTES = 8 * 1024 * 1024
log = logging.getLogger(__name__)


def export_now_or_later(user):
    """("zip", a file object) when small enough, else ("job", {jobId, status}) of a job just queued."""
    uploads = _own_uploads(user)
    if sum(upload.size for upload in uploads) <= current_app.config["EXPORT_INLINE_MAX_BYTES"]:
        target = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
        write_archive(user, uploads, target)
        target.seek(0)
        return "zip", target
    job_id = uuid.uuid4().hex
    pipe = redis_store.state.pipeline(transaction=True)
    pipe.hset(_job_key(job_id), mapping={"owner": str(user.id), "status": "pending"})
    pipe.expire(_job_key(job_id), JOB_TTL_SECONDS)
    pipe.execute()
    jobs.enqueue("build_export", str(user.id), job_id)
    return "job", {"jobId": job_id, "status": "pending", "url": None}


def export_job(user, job_id):
    """{jobId, status (pending, ready, failed), url}: `url` is the zip's upload link once ready."""
    job = _job(job_id)
    if job.get("owner") != str(user.id):
        raise NotFound("No such export of the caller", code=Codes.NOT_FOUND)
    return {"jobId": job_id, "status": job["status"], "url": job.get("url")}


def build_export(user_id, job_id):
    """The job `build_export`: one zip per export, however often the job runs."""
    if _job(job_id).get("status") != "pending":
        return  # built already (or failed, and said so)
    if not redis_store.state.set(_job_key(job_id, "lease"), "1", nx=True, px=LEASE_MS):
        jobs.enqueue("build_export", user_id, job_id, delay_ms=60_000)  # another worker builds it: look later
        return
    try:
        _build(User.objects(id=user_id).get(), job_id)
    except Exception:
        log.exception("Export %s of %s failed", job_id, user_id)
        redis_store.state.hset(_job_key(job_id), "status", "failed")
    finally:
        redis_store.state.delete(_job_key(job_id, "lease"))


def _build(user, job_id):
    uploads, name = _own_uploads(user), f"export-{job_id}.zip"
    with tempfile.NamedTemporaryFile(suffix=".zip") as target:
        write_archive(user, uploads, target)
        target.flush()
        file_store.save_from_path(name, target.name)
        size = os.path.getsize(target.name)
    Upload(stored_name=name, owner=user.id, name="backend2-export.zip", size=size, mime_type="application/zip").save()
    url = file_store.upload_url(name)
    redis_store.state.hset(_job_key(job_id), mapping={"status": "ready", "url": url})
    announce(ExportReady(user.id, job_id, url))


def _own_uploads(user):
    """Their files, but earlier exports and the files of disappearing messages (which are never exported)."""
    uploads = [u for u in Upload.objects(owner=user.id) if not u.stored_name.startswith("export-")]
    passing = Message.held_only_while_disappearing([file_store.upload_url(u.stored_name) for u in uploads])
    return [u for u in uploads if file_store.upload_url(u.stored_name) not in passing]


def _job(job_id):
    return {key.decode(): value.decode() for key, value in redis_store.state.hgetall(_job_key(job_id)).items()}


def _job_key(job_id, *parts):
    return redis_store.key("export", job_id, *parts)
