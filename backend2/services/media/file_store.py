"""Stored files: written all or nothing to the configured storage, and where a fetch finds one."""
from flask import current_app

from backend2.extensions import storage
from backend2.services.media.file_types import is_inline, mime_of


def save(files):
    """Write {stored name: bytes}, each with its type; if one fails, the others are removed again
    and the failure (503 storage_unavailable) raised, so nothing is ever half stored. Names are
    random, so nothing is ever overwritten."""
    written = []
    try:
        for name, data in files.items():
            storage.backend.put(name, data, mime_of(name), download=not is_inline(name))
            written.append(name)
    except Exception:
        discard(written)
        raise


def save_from_path(name, path):
    """Write a file that is on disk, in parts, never whole in memory (an account export)."""
    storage.backend.put_file(name, path, mime_of(name), download=not is_inline(name))


def remove_files(names):
    """The job `remove_files`: delete stored files for good; a storage failure raises, so the
    job runs again later (deleting what is gone already is no error)."""
    storage.backend.delete(list(names))


def discard(names):
    """Remove stored files, best effort (a record that failed to save, say)."""
    try:
        storage.backend.delete(names)
    except Exception:  # noqa: BLE001 - they are unreferenced either way; a failure here hides the first
        current_app.logger.warning("Could not remove %d unreferenced stored files", len(names))


def exists(name):
    return storage.backend.exists(name)


def redirect_url(name):
    """A short-lived link to fetch the file from the storage service itself, or None when this
    server streams it (local storage)."""
    return storage.backend.presigned_url(name, current_app.config["UPLOAD_URL_TTL_SECONDS"])


def upload_dir():
    return storage.backend.folder


def read(name):
    """The stored file's bytes."""
    return storage.backend.read(name)


def open_stored(name):
    """The stored file, to read in chunks (close it after)."""
    return storage.backend.open(name)


def upload_url(name):
    return f"{current_app.config['PUBLIC_URL']}/uploads/{name}"
