"""The kinds of file Backend2 stores: detected MIME type, stored extension, shown or downloaded."""
import re

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
# Every name Backend2 gives a stored file: random, with the extension of its detected type.
STORED_NAME = re.compile(r"^[A-Za-z0-9_-]{16,64}\.(" + "|".join(MIME_BY_EXTENSION) + r")$")


def mime_of(name):
    return MIME_BY_EXTENSION[name.rsplit(".", 1)[1]]


def is_inline(name):
    """Whether a stored file may be shown in place (images, audio, video) rather than downloaded."""
    return mime_of(name).startswith(INLINE_KINDS)
