"""One legacy import, dry run or verify, from start to finish.

The phases run in dependency order, each reading one collection from every source:
people, then their sessions and address books, then conversations and chat requests, then
messages (which also settle each conversation's receipt cursors and last message). Each phase
maps the source ids it met to Backend2 ids for the phases after it.
"""
import heapq
import itertools
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import mongoengine as me
from bson import ObjectId
from flask import current_app
from pymongo.uri_parser import parse_uri

from backend2.models.legacy_source import LEGACY_COLLECTIONS, LegacySource, SourceError
from backend2.services.legacy.cursors import CursorBook
from backend2.services.legacy.engine import MODES, PlanWriter
from backend2.services.legacy.files import FileImporter
from backend2.services.legacy.report import Report
from backend2.services.legacy.shapes import Rejected, source_doc
from backend2.utils.time import utcnow


@dataclass
class ImportOptions:
    sources: list
    uploads: list = field(default_factory=list)
    mode: str = "import"  # one of engine.MODES
    batch_size: int = 1000


class ImportRun:
    """What the phases share: the sources, the report, the files, and the id maps built so far."""

    def __init__(self, options, progress):
        if options.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        config = current_app.config
        self.options, self.mode, self.progress = options, options.mode, progress
        self.batch_size = options.batch_size
        self.run_at = utcnow()
        self.region = config["DEFAULT_REGION"]
        self.sources = [LegacySource(uri, config["MONGODB_TIMEOUT_MS"]) for uri in dict.fromkeys(options.sources)]
        self.report = Report(options.mode, [source.label for source in self.sources], _target_label(config))
        self.files = FileImporter(options.uploads, self.report.section("files"), options.mode)
        self.users = {}          # source user id -> Backend2 user id
        self.phones = {}         # Backend2 user id -> phone, to read contacts in their owner's region
        self.conversations = {}  # source conversation id -> Backend2 conversation id
        self.chats = {}          # Backend2 conversation id -> its participants, for receipts
        self.direct = {}         # participant key -> Backend2 direct conversation id
        self.messages = {}       # message id -> its Backend2 conversation, so a reply stays in its chat
        self.cursors = CursorBook()

    def check_targets(self):
        """Refuse a source that is the target database, or an upload folder that is UPLOAD_DIR."""
        target = _target_location(current_app.config)
        for source in self.sources:
            if target and source.is_database(*target):
                raise SourceError(f"--source {source.label} is the target database (MONGODB_URI); "
                                  "the sources are only ever read")
        upload_dir = Path(current_app.config["UPLOAD_DIR"]).resolve()
        for folder in self.files.folders:
            if folder == upload_dir or upload_dir.is_relative_to(folder) or folder.is_relative_to(upload_dir):
                raise SourceError(f"--uploads {folder} overlaps UPLOAD_DIR ({upload_dir}); give the old "
                                  "server's folder, which is only ever read")

    def stored_ids(self, model, field_name, values):
        """{value: _id} of the Backend2 documents whose `field_name` is one of `values`."""
        found = {}
        for start in range(0, len(values), self.batch_size):
            query = {field_name: {"$in": values[start:start + self.batch_size]}}
            found.update((doc[field_name], doc["_id"]) for doc in model.raw_find(query, {field_name: 1}))
        return found

    def writer(self, model, section):
        return PlanWriter(model, section, self.mode, self.run_at, self.batch_size)

    @contextmanager
    def phase(self, name):
        section = self.report.section(name)
        section.start()
        try:
            yield section
        finally:
            section.stop()

    def documents(self, collection, section):
        """(SourceDoc, raw document) for every document of `collection` in every source, in `_id`
        order. Copies of one document in several sources come once: the newest, carrying the
        others in `copies`."""
        streams = [self._stream(source, collection) for source in self.sources]
        total = sum(source.count(collection) for source in self.sources)
        with self.progress(collection, total) as bar:
            merged = heapq.merge(*streams, key=lambda item: item[0])
            for _, copies in itertools.groupby(merged, key=lambda item: item[0]):
                copies = [(doc, raw) for _, doc, raw in copies]
                for doc, _ in copies:
                    section.read(origin=doc.origin)
                bar.update(len(copies))
                copies.sort(key=lambda copy: (copy[0].updated_at is not None, copy[0].updated_at, copy[0].raw_hash))
                newest, raw = copies[-1]
                newest.copies = [doc for doc, _ in copies[:-1]]
                yield newest, raw

    def records(self, collection, section, reader, *args):
        """`reader`'s record of each document, its repairs reported; an unreadable document is
        reported as rejected and skipped."""
        for doc, raw in self.documents(collection, section):
            try:
                record = reader(raw, doc, *args)
            except Rejected as rejected:
                section.reject(doc, rejected.reason, rejected.detail)
                continue
            for what, detail in record.repairs:
                section.repair(doc, what, detail)
            yield record

    def _stream(self, source, collection):
        for raw in source.documents(collection, self.batch_size):
            yield _order(raw.get("_id")), source_doc(collection, raw, source.label), raw

    def note_ignored_collections(self):
        for source in self.sources:
            for name in source.collection_names():
                if name not in LEGACY_COLLECTIONS:
                    self.report.ignore(source.label, name, source.count(name))

    def close(self):
        for source in self.sources:
            source.close()


# MongoDB sorts `_id`s of different types in this order; within a type, by value.
_TYPE_ORDER = ((type(None), 0), ((int, float), 1), (str, 2), (dict, 3), (list, 4), (bytes, 5), (ObjectId, 7),
               (bool, 8), (datetime, 9))


def _order(value):
    """A sort key that orders `_id`s as a MongoDB cursor returns them, so the sources' streams merge."""
    for types, rank in _TYPE_ORDER:
        if isinstance(value, types) and (rank == 8 or not isinstance(value, bool)):
            if rank in (3, 4):
                return rank, str(value)
            return rank, value.binary if rank == 7 else value
    return 10, str(value)


def _target_location(config):
    """(hosts, database name) of MONGODB_URI, or None for the embedded database."""
    if not config["MONGODB_URI"]:
        return None
    parsed = parse_uri(config["MONGODB_URI"])
    return (frozenset(f"{host}:{port}" for host, port in parsed["nodelist"]),
            parsed.get("database") or config["MONGODB_DB"])


def _target_label(config):
    if not config["MONGODB_URI"]:
        return f"embedded database {me.get_db().name} (in this process)"
    return LegacySource.masked(config["MONGODB_URI"])
