"""Files the old servers kept in their upload folders, brought in as Backend2 uploads.

A reference (an avatar, an attachment's URL, the desktop `fileUrl`) is read as a path below
`/uploads/` on the old server, looked up in the `--uploads` folders, and put through the same
checks as an upload (type from the bytes, allow-list, size and pixel limits, images re-encoded
without metadata, thumbnails). The upload records its old path, so the old link redirects to
the new one. Its `_id` is derived from the kind and the old path, so a second run, or a run
after a kill, finds it instead of storing it again.

Links to other sites (http(s) URLs not below /uploads/) are kept as they are. A reference to a
file that is missing, or that the checks refuse, is reported with the document that made it,
and that document is imported without the file.
"""
import hashlib
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bson import ObjectId
from flask import current_app

from backend2.errors import AppError
from backend2.models import Upload
from backend2.services.media import file_store, uploads

KINDS = {"attachment": ("UPLOAD_MAX_BYTES", uploads.prepare_attachment),
         "avatar": ("AVATAR_MAX_BYTES", uploads.prepare_avatar)}
MAX_PATH = uploads.LEGACY_NAME_MAX


def old_path(reference):
    """("legacy", path below /uploads/), ("external", url), ("none", None) or ("unusable", why)."""
    if not isinstance(reference, str) or not reference.strip():
        return "none", None
    reference = reference.strip()
    parts = urlsplit(reference)
    path = unquote(parts.path)
    if "uploads/" in path:
        path = path.split("uploads/", 1)[1]
    elif parts.scheme in ("http", "https"):
        return "external", reference
    elif parts.scheme or "/" in path:
        return "unusable", "not a link to the old server's uploads"
    segments = path.split("/")
    if not path or len(path) > MAX_PATH or any(s in ("", ".", "..") for s in segments) or "\\" in path:
        return "unusable", "not a file name"
    return "legacy", path


def upload_id(kind, path):
    """The `_id` of the upload a file becomes: the same on every run."""
    return ObjectId(hashlib.sha256(f"{kind}:{path}".encode()).digest()[:12])


class FileImporter:
    def __init__(self, folders, section, mode):
        self.folders = [Path(folder).resolve() for folder in folders]
        self.section, self.mode = section, mode
        self.known = {}  # (kind, path) -> the stored upload as an attachment dict, or None
        self.refused = {}  # (kind, path) -> why it was not stored

    def resolve(self, wanted):
        """For [(kind, reference, owner id, referring SourceDoc)]: {(kind, reference): attachment dict
        (`url`, `size`, `mimeType`, ...) or None when the document goes without it}."""
        self.section.start()  # files' time is also part of the phase that asked
        try:
            return self._resolve(wanted)
        finally:
            self.section.stop()

    def _resolve(self, wanted):
        found, new = {}, {}
        for kind, reference, owner, doc in wanted:
            shape, value = old_path(reference)
            if shape == "external":
                self.section.notes["links to other sites kept"] += 1
                found[(kind, reference)] = {"url": value}
            elif shape == "unusable":
                self.section.notes["unusable file references"] += 1
                self.section.reject(doc, "file_unusable", f"{str(reference)[:200]}: {value}", counted=False)
                found[(kind, reference)] = None
            elif shape == "legacy":
                new.setdefault((kind, value), []).append((reference, owner, doc))
        self._load(new)
        for (kind, path), references in new.items():
            stored = self.known[(kind, path)]
            for reference, _, doc in references:
                found[(kind, reference)] = stored
                if stored is None:
                    self.section.reject(doc, self.refused[(kind, path)], reference[:300], counted=False)
        return found

    def _load(self, new):
        unknown = [key for key in new if key not in self.known]
        stored = Upload.raw_by_ids([upload_id(*key) for key in unknown])
        prepared = {}
        for key in unknown:
            self.section.read()
            record = stored.get(upload_id(*key))
            if record is not None:
                self.section.count("unchanged")
                self.known[key] = _attachment(Upload._from_son(record))
                continue
            owner, doc = new[key][0][1], new[key][0][2]
            prepared[key] = self._prepare(key, owner, doc)
        self._store({key: item for key, item in prepared.items() if item is not None})

    def _prepare(self, key, owner, doc):
        kind, path = key
        limit_setting, prepare = KINDS[kind]
        data, why = self._read(path, current_app.config[limit_setting], doc)
        if data is None:
            return self._refuse(key, why)
        try:
            item = prepare(owner, data, Path(path).name)
        except AppError as error:
            return self._refuse(key, f"file_refused:{error.code}")
        item.upload.id, item.upload.legacy_names = upload_id(kind, path), [path]
        item.upload.attached = True  # a source document refers to it
        item.upload.is_avatar = kind == "avatar"
        return item

    def _refuse(self, key, why):
        self.refused[key] = why
        self.known[key] = None
        self.section.count("rejected")
        return None

    def _read(self, path, limit, doc):
        """(bytes, None) of the file in the first folder that has it, or (None, why)."""
        copies = []
        for folder in self.folders:
            for candidate in (folder / path, folder / Path(path).name):
                candidate = candidate.resolve()
                if candidate.is_relative_to(folder) and candidate.is_file():
                    copies.append(candidate)
                    break
        if not copies:
            return None, "file_missing"
        with copies[0].open("rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            return None, "file_refused:file_too_large"
        if any(copy.read_bytes() != data for copy in copies[1:]):
            self.section.conflict(doc, "file_differs_between_folders", f"{path}: used {copies[0]}")
        return data, None

    def _store(self, prepared):
        for key, item in prepared.items():
            self.section.count("imported")
            self.known[key] = _attachment(item.upload)
            if self.mode == "verify":
                self.section.missing.append({"file": key[1], "reason": "not imported yet"})
        if self.mode != "import" or not prepared:
            return
        for item in prepared.values():
            file_store.save(item.files)  # the files first: a record never points at a file that is not there
        records = [item.upload.to_mongo().to_dict() for item in prepared.values()]
        Upload.bulk_update([(record.pop("_id"), {"$setOnInsert": record}, True) for record in records])


def _attachment(upload):
    described = uploads.upload_json(upload)
    return {"url": described["url"], "name": upload.name, "size": upload.size, "mimeType": upload.mime_type,
            "width": upload.width, "height": upload.height, "thumbnailUrl": described.get("thumbnailUrl")}
