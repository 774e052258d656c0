"""Attachments: files of an allowed kind, the kind read from the bytes, recorded in `uploads`.

Images are decoded and re-encoded (no metadata, nothing appended survives) and get a
thumbnail; everything else is stored byte for byte under a random name with the extension
of its detected type, and served as a download unless it is audio or video.
"""
import re
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

import filetype
from flask import current_app

from backend2.errors import Codes, Forbidden, NotFound, Unauthorized, ValidationFailed
from backend2.extensions import redis_store
from backend2.infra import media_probe
from backend2.models import Attachment, Conversation, Message, Upload
from backend2.services.media import file_store, images
from backend2.services.media.file_types import ALLOWED_FILES, MIME_BY_EXTENSION, STORED_NAME
from backend2.services.people.blocks import blocked_between
from backend2.utils import links
from backend2.utils.links import plain
from backend2.utils.time import utcnow

LEGACY_NAME_MAX = 300


@dataclass
class PreparedUpload:
    """A file that passed every check: the bytes to store under each name, and its record."""

    files: dict
    upload: Upload


def store_upload(owner, file_storage):
    """Check, store and record an uploaded file; the Upload document describes it."""
    data = images.read_limited(file_storage, current_app.config["UPLOAD_MAX_BYTES"])
    return save_prepared(prepare_attachment(owner.id, data, _display_name(file_storage.filename)))


def save_prepared(prepared):
    """Store the files, then the record (so a record never points at a file that is not there);
    files whose record could not be saved are removed again."""
    file_store.save(prepared.files)
    try:
        return prepared.upload.save()
    except Exception:
        file_store.discard(list(prepared.files))
        raise


def prepare_attachment(owner_id, data, original_name):
    """Every check of an attachment, and the bytes to store; nothing is written."""
    detected = filetype.guess(data)
    if detected is not None and detected.mime.startswith("image/"):
        return prepare_image(owner_id, data, original_name, current_app.config["UPLOAD_IMAGE_MAX_SIDE"],
                              thumbnail=True)
    mime = detected.mime if detected else _plain_text_or_none(data)
    if mime not in ALLOWED_FILES:
        raise ValidationFailed("This kind of file is not allowed", code=Codes.UNSUPPORTED_FILE_TYPE)
    stored_name = f"{secrets.token_urlsafe(18)}.{ALLOWED_FILES[mime]}"
    upload = Upload(stored_name=stored_name, owner=owner_id, name=original_name, size=len(data), mime_type=mime)
    prepared = PreparedUpload({stored_name: data}, upload)
    if mime.startswith(("audio/", "video/")):
        _describe_media(prepared, data)
    return prepared


def _describe_media(prepared, data):
    """`durationMs` for audio and video; for video also its size and its first frame as the
    thumbnail. A file ffmpeg cannot read is stored all the same, without them."""
    upload = prepared.upload
    media = media_probe.probe(data, upload.stored_name.rsplit(".", 1)[1])
    if media is None:
        return
    upload.duration_ms, upload.width, upload.height = media.duration_ms, media.width, media.height
    if media.poster_png:
        try:
            poster = images.decode_image(media.poster_png)
        except ValidationFailed:
            return
        upload.thumbnail_name, thumbnail, _ = images.encode_image(poster, current_app.config["THUMBNAIL_SIDE"])
        prepared.files[upload.thumbnail_name] = thumbnail


def prepare_avatar(owner_id, data, original_name=""):
    """An image re-encoded to fit AVATAR_MAX_SIDE, without a thumbnail, for an avatar (so referred
    to from the start); nothing is written."""
    prepared = prepare_image(owner_id, data, original_name, current_app.config["AVATAR_MAX_SIDE"], thumbnail=False)
    prepared.upload.attached = prepared.upload.is_avatar = True
    return prepared


def prepare_image(owner_id, data, original_name, max_side, thumbnail, max_pixels=None, animated=True):
    """An image decoded (at most `max_pixels`, IMAGE_MAX_PIXELS unless given; `animated=False`
    keeps the first frame only) and re-encoded to fit `max_side`, as an upload nothing refers to
    yet, with a thumbnail when asked; nothing is written."""
    image = images.decode_image(data, max_pixels=max_pixels, animated=animated)
    stored_name, encoded, (width, height) = images.encode_image(image, max_side, animated=animated)
    files = {stored_name: encoded}
    upload = Upload(stored_name=stored_name, owner=owner_id, name=original_name, size=len(encoded),
                    mime_type=MIME_BY_EXTENSION[stored_name.rsplit(".", 1)[1]], width=width, height=height)
    if thumbnail:
        upload.thumbnail_name, thumbnail_data, _ = images.encode_image(image, current_app.config["THUMBNAIL_SIDE"])
        files[upload.thumbnail_name] = thumbnail_data
    return PreparedUpload(files, upload)


def _plain_text_or_none(data):
    if b"\0" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain"


def _display_name(filename):
    """The client's file name, for display only: no path, no control characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    return re.sub(r"[\x00-\x1f\x7f]", "", name)[:200]


def upload_json(upload):
    body = {"url": file_store.upload_url(upload.stored_name), "name": upload.name, "size": upload.size,
            "mimeType": upload.mime_type}
    if upload.width:
        body.update(width=upload.width, height=upload.height)
    if upload.thumbnail_name:
        body["thumbnailUrl"] = file_store.upload_url(upload.thumbnail_name)
    if upload.duration_ms is not None:
        body["durationMs"] = upload.duration_ms
    return body


def stored_name_of(url):
    """The stored file name an attachment URL points at (plain or signed), or None if it is not
    one of ours."""
    prefix = f"{current_app.config['PUBLIC_URL']}/uploads/"
    url = plain(url)
    if not isinstance(url, str) or not url.startswith(prefix):
        return None
    name = url[len(prefix):]
    return name if STORED_NAME.match(name) else None


def attachments_for(items):
    """Attachments from what a client sent: each must be one of this server's uploads.

    Size, type and dimensions come from our record, not from the client; the client may
    only rename the file for display.
    """
    if not items:
        return []
    names = [stored_name_of(item["url"]) for item in items]
    if None in names:
        raise ValidationFailed("Attachments must be files uploaded to this server", code=Codes.INVALID_ATTACHMENT)
    if Upload.attach(set(names)) != len(set(names)):  # marked first: the orphan sweep cannot take them now
        raise ValidationFailed("An attachment points at a file that does not exist", code=Codes.INVALID_ATTACHMENT)
    uploads = {u.stored_name: u for u in Upload.objects(stored_name__in=names)}
    result = []
    for item, name in zip(items, names):
        upload = uploads[name]
        described = upload_json(upload)
        result.append(Attachment(
            url=described["url"], name=item.get("name") or upload.name, size=upload.size, mime_type=upload.mime_type,
            width=upload.width, height=upload.height, thumbnail_url=described.get("thumbnailUrl"),
            duration_ms=upload.duration_ms,
        ))
    return result


def keep_avatar(url):
    """An avatar now refers to the upload at `url`: it is never swept, anyone signed in may see
    it. Returns the link as stored (without a signed link's query)."""
    name = stored_name_of(url)
    if name:
        Upload.attach([name], avatar=True)
    return plain(url)


def authorize_fetch(name, context, expires, signature):
    """A fetch of a stored file is either a signed link (`exp`, `sig`) or a signed-in caller
    (`context`, an AuthContext or None) who may see the file; raises otherwise."""
    if expires is not None or signature is not None:
        _check_link(name, expires, signature)
    elif context is None:
        raise Unauthorized("Send the Bearer token, or use the signed link from the API", code=Codes.TOKEN_MISSING)
    elif not may_fetch(context.user, name):
        raise NotFound("File not found", code=Codes.FILE_NOT_FOUND)


def _check_link(name, expires, signature):
    """A signed link's `exp` and `sig` for this file: 403 unless this server made it and it has
    not expired (which says nothing about whether the file exists)."""
    verdict = links.check(name, expires, signature, current_app.config["JWT_SECRET"], time.time())
    if verdict == "expired":
        raise Forbidden("This file link has expired; take a fresh one from the API", code=Codes.LINK_EXPIRED)
    if verdict != "ok":
        raise Forbidden("This file link is not valid", code=Codes.LINK_INVALID)


def may_fetch(user, name):
    """Its uploader; anyone signed in for an avatar (unless one of them blocked the other); for
    an attachment, the participants of a conversation holding a message it is attached to."""
    upload = Upload.of_file(name)
    if upload is None:  # stored before uploads were recorded (early avatars): public, as then
        return True
    if upload.owner == user.id:
        return True
    if upload.is_avatar:
        return not blocked_between(user, upload.owner)
    holding = Message.conversations_holding(file_store.upload_url(upload.stored_name))
    return bool(holding) and Conversation.find_one_raw({"_id": {"$in": holding}, "participants": user.id}) is not None


def sweep_orphans(every_seconds, limit=500):
    """Remove uploads nothing referred to within UPLOAD_ORPHAN_TTL_HOURS: the record first (only
    if still unreferenced), then its files. One process of all sweeps in each `every_seconds`
    (a lock in Redis); returns how many were removed (None when another process had the turn)."""
    if not redis_store.state.set(redis_store.key("upload-sweep"), "1", nx=True, ex=max(1, int(every_seconds))):
        return None
    older_than = utcnow() - timedelta(hours=current_app.config["UPLOAD_ORPHAN_TTL_HOURS"])
    removed = 0
    for upload in Upload.orphans(older_than, limit):
        if Upload.forget_orphan(upload["_id"]):
            file_store.discard([name for name in (upload["storedName"], upload.get("thumbnailName")) if name])
            removed += 1
    return removed


def current_url_of_legacy_name(name):
    """The URL of the file an Express server stored as `name` (its path below /uploads/), which
    the legacy import brought across; 404 for anything else."""
    upload = None
    if len(name) <= LEGACY_NAME_MAX and ".." not in name.split("/"):
        upload = Upload.objects(legacy_names=name).only("stored_name").order_by("-size").first()
    if upload is None:
        raise NotFound("File not found", code=Codes.FILE_NOT_FOUND)
    return file_store.upload_url(upload.stored_name)
