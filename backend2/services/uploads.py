"""Attachments: files of an allowed kind, the kind read from the bytes, recorded in `uploads`.

Images are decoded and re-encoded (no metadata, nothing appended survives) and get a
thumbnail; everything else is stored byte for byte under a random name with the extension
of its detected type, and served as a download unless it is audio or video.
"""
import re
import secrets

import filetype
from flask import current_app

from backend2.errors import ValidationFailed
from backend2.models import Attachment, Upload
from backend2.services import images

# Detected MIME type -> stored extension, for everything but images (which Pillow checks).
ALLOWED_FILES = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/rtf": "rtf",
    "application/zip": "zip",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/aac": "aac",
    "audio/ogg": "ogg",
    "audio/x-wav": "wav",
    "audio/amr": "amr",
    "video/mp4": "mp4",
    "video/x-m4v": "m4v",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "video/3gpp": "3gp",
    "text/plain": "txt",
}
IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}
MIME_BY_EXTENSION = {**{ext: mime for mime, ext in ALLOWED_FILES.items()}, **IMAGE_TYPES}
INLINE_KINDS = ("image/", "audio/", "video/")
STORED_NAME = re.compile(r"^[A-Za-z0-9_-]{16,64}\.(" + "|".join(MIME_BY_EXTENSION) + r")$")


def store_upload(owner, file_storage):
    """Check, store and record an uploaded file; the Upload document describes it."""
    config = current_app.config
    data = images.read_limited(file_storage, config["UPLOAD_MAX_BYTES"])
    original_name = _display_name(file_storage.filename)
    detected = filetype.guess(data)
    if detected is not None and detected.mime.startswith("image/"):
        return _store_image(owner, data, original_name)
    mime = detected.mime if detected else _plain_text_or_none(data)
    if mime not in ALLOWED_FILES:
        raise ValidationFailed("This kind of file is not allowed", code="unsupported_file_type")
    stored_name = f"{secrets.token_urlsafe(18)}.{ALLOWED_FILES[mime]}"
    (images.upload_dir() / stored_name).write_bytes(data)
    return Upload(stored_name=stored_name, owner=owner.id, name=original_name, size=len(data), mime_type=mime).save()


def _store_image(owner, data, original_name):
    config = current_app.config
    image = images.decode_image(data)
    stored_name = images.store_image(image, config["UPLOAD_IMAGE_MAX_SIDE"])
    thumbnail_name = images.store_image(image, config["THUMBNAIL_SIDE"])
    path = images.upload_dir() / stored_name
    width, height = images.dimensions(path)
    return Upload(
        stored_name=stored_name, owner=owner.id, name=original_name, size=path.stat().st_size,
        mime_type=MIME_BY_EXTENSION[path.suffix[1:]], width=width, height=height, thumbnail_name=thumbnail_name,
    ).save()


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
    body = {"url": images.upload_url(upload.stored_name), "name": upload.name, "size": upload.size,
            "mimeType": upload.mime_type}
    if upload.width:
        body.update(width=upload.width, height=upload.height,
                    thumbnailUrl=images.upload_url(upload.thumbnail_name))
    return body


def stored_name_of(url):
    """The stored file name an attachment URL points at, or None if it is not one of ours."""
    prefix = f"{current_app.config['PUBLIC_URL']}/uploads/"
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
        raise ValidationFailed("Attachments must be files uploaded to this server", code="invalid_attachment")
    uploads = {u.stored_name: u for u in Upload.objects(stored_name__in=names)}
    if len(uploads) != len(set(names)):
        raise ValidationFailed("An attachment points at a file that does not exist", code="invalid_attachment")
    result = []
    for item, name in zip(items, names):
        upload = uploads[name]
        described = upload_json(upload)
        result.append(Attachment(
            url=described["url"], name=item.get("name") or upload.name, size=upload.size, mime_type=upload.mime_type,
            width=upload.width, height=upload.height, thumbnail_url=described.get("thumbnailUrl"),
        ))
    return result


def is_inline(extension):
    """Whether a stored file of this extension may be shown in place rather than downloaded."""
    return MIME_BY_EXTENSION.get(extension, "").startswith(INLINE_KINDS)
