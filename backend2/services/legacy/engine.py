"""Writing what the import planned: in batches, each source document once, and never over a
newer change made in Backend2.

A planner turns source documents into `Plan`s, one per Backend2 document. `PlanWriter`
decides per plan, with one ledger read, one target read and two bulk writes per batch:

- every source document is in the ledger with this plan's hash: unchanged, nothing is read
  or written (this is what makes a second run change nothing);
- no Backend2 document yet: it is created (the first source document counts as imported,
  the others as merged into it);
- the Backend2 document exists: the planned fields are applied when Backend2 has not changed
  it since the import last wrote it, or when the source is newer. Otherwise Backend2's newer
  values stay (for people, the source still fills fields Backend2 lacks), and the report lists
  a conflict.

The ledger entry is written after the target write, so a run killed anywhere redoes at most
its last batch, and every write is keyed by `_id`, so redoing it creates no duplicates.
"""
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from backend2.models import LegacyImport
from backend2.utils.time import as_utc

MODES = ("import", "dry-run", "verify")


@dataclass
class SourceDoc:
    """One document of a source, as the report and the ledger name it."""

    collection: str
    legacy_id: object
    source: str
    origin: str  # "desktop", "mobile" or "either": which server's shape it has
    raw_hash: str
    updated_at: datetime | None = None
    copies: list = field(default_factory=list)  # older copies of this document found in other sources

    @property
    def key(self):
        return LegacyImport.key(self.collection, self.legacy_id)


@dataclass
class Plan:
    """One Backend2 document as the import would have it.

    `fields` use stored names; a None value means "absent" (left out of a new document,
    unset in an existing one). `updatedAt` is written but never compared: a change of time
    alone changes nothing.
    """

    target_id: object
    docs: list
    fields: dict
    on_insert: dict = field(default_factory=dict)
    legacy_ids: list = field(default_factory=list)
    updated_at: datetime | None = None  # the newest source time, for "the newer one wins"
    may_vanish: bool = False  # Backend2 removes it by itself (an expired session)
    merge: Callable | None = None  # (stored document) -> fields: folds the plan into what Backend2 has
    fill_gaps: bool = False  # when Backend2's is newer, still fill the fields it lacks (a person's email)

    def digest(self):
        described = {"fields": {k: v for k, v in self.fields.items() if k != "updatedAt"},
                     "insert": self.on_insert, "legacyIds": sorted(map(str, self.legacy_ids))}
        return hashlib.sha1(json.dumps(_plain(described), sort_keys=True).encode()).hexdigest()


class PlanWriter:
    """Buffers plans for one collection and writes them `batch_size` at a time."""

    def __init__(self, model, section, mode, run_at, batch_size):
        self.model, self.section, self.mode = model, section, mode
        self.run_at, self.batch_size = run_at, batch_size
        self.pending = []
        self.failed_targets = set()

    def add(self, plan):
        self.pending.append(plan)
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self):
        plans, self.pending = self.pending, []
        if not plans:
            return
        ledger = LegacyImport.entries({doc.key for plan in plans for doc in plan.docs})
        work, settled = [], []
        for plan in plans:
            digest = plan.digest()
            entries = [ledger.get(doc.key) for doc in plan.docs]
            if all(entry is not None and entry.get("planHash") == digest for entry in entries):
                for doc in plan.docs:
                    self.section.outcome(doc, "unchanged")
                settled.append(plan)
            else:
                work.append((plan, digest, entries))
        if self.mode == "verify":
            self._check_present(settled)
        self._write(work)

    def _write(self, work):
        existing = self.model.raw_by_ids([plan.target_id for plan, _, _ in work])
        updates, outcomes = [], []
        for plan, digest, entries in work:
            current = existing.get(plan.target_id)
            update, statuses, left_at = self._decide(plan, current, entries)
            outcomes.append((plan, digest, statuses, left_at, len(updates) if update else None))
            if update:
                updates.append((plan.target_id, update, current is None))
                if self.mode == "verify":
                    (self.section.missing if current is None else self.section.different).append(
                        {"sourceIds": [str(doc.legacy_id) for doc in plan.docs], "target": str(plan.target_id)})
        failures = self.model.bulk_update(updates) if self.mode == "import" else {}
        entries = {}
        for plan, digest, statuses, left_at, index in outcomes:
            if index in failures:
                self.failed_targets.add(plan.target_id)
                for doc in plan.docs:
                    self.section.reject(doc, "write_failed", failures[index][:300])
                continue
            for doc, status in zip(plan.docs, statuses):
                self.section.outcome(doc, status)
                entries[doc.key] = {"target": plan.target_id, "rawHash": doc.raw_hash, "planHash": digest,
                                    "targetUpdatedAt": left_at, "importedAt": self.run_at}
        if self.mode == "import":
            LegacyImport.record(entries)

    def _decide(self, plan, current, entries):
        """(update document or None, a status per source document, the updatedAt left behind)."""
        if current is None:
            if any(entries):  # imported once, since removed in Backend2 (expired, deleted): not brought back
                self.section.conflict(plan.docs[0], "removed_in_backend2", "left removed")
                return None, ["unchanged"] * len(plan.docs), None
            statuses = ["imported"] + ["merged"] * (len(plan.docs) - 1)
            return _insert(plan), statuses, plan.fields.get("updatedAt")
        planned = plan.merge(current) if plan.merge else plan.fields
        changes = {name: value for name, value in planned.items()
                   if name != "updatedAt" and not same(current.get(name), value)}
        untouched = any(entry and _same_time(entry.get("targetUpdatedAt"), current.get("updatedAt"))
                        for entry in entries)
        if not (untouched or _newer(plan.updated_at, current.get("updatedAt"))):
            kept = {name for name, value in changes.items()
                    if not plan.fill_gaps or value is None or not _is_empty(current.get(name))}
            if kept:
                self.section.conflict(plan.docs[0], "kept_newer_backend2_values", ", ".join(sorted(kept)))
            changes = {name: value for name, value in changes.items() if name not in kept}
        new_ids = [oid for oid in plan.legacy_ids if oid not in (current.get("legacyIds") or [])]
        statuses = [_status(doc, entry, plan, bool(changes)) for doc, entry in zip(plan.docs, entries)]
        if not changes and not new_ids:
            return None, statuses, current.get("updatedAt")
        left_at = plan.fields.get("updatedAt", current.get("updatedAt")) if changes else current.get("updatedAt")
        return _update(changes, new_ids, left_at if changes else None), statuses, left_at

    def _check_present(self, plans):
        """Verify: a source document the ledger calls done must still have its Backend2 document."""
        found = self.model.raw_by_ids([plan.target_id for plan in plans], {"_id": 1})
        for plan in plans:
            if plan.target_id not in found and not plan.may_vanish:
                self.section.missing.append({"sourceIds": [str(doc.legacy_id) for doc in plan.docs],
                                             "target": str(plan.target_id)})


def _status(doc, entry, plan, changed):
    if entry is None:  # new to the ledger: the document it makes, or one it joins
        return "imported" if doc.legacy_id == plan.target_id else "merged"
    return "updated" if changed and entry.get("rawHash") != doc.raw_hash else "unchanged"


def _insert(plan):
    values = {name: value for name, value in plan.fields.items() if value is not None}
    update = {"$set": values}
    on_insert = {name: value for name, value in plan.on_insert.items() if value is not None and name not in values}
    if on_insert:
        update["$setOnInsert"] = on_insert
    if plan.legacy_ids:
        update["$addToSet"] = {"legacyIds": {"$each": list(plan.legacy_ids)}}
    return update


def _update(changes, new_ids, updated_at):
    update = {}
    values = {name: value for name, value in changes.items() if value is not None}
    if updated_at is not None:
        values["updatedAt"] = updated_at
    if values:
        update["$set"] = values
    removed = [name for name, value in changes.items() if value is None]
    if removed:
        update["$unset"] = {name: "" for name in removed}
    if new_ids:
        update["$addToSet"] = {"legacyIds": {"$each": new_ids}}
    return update


def same(stored, planned):
    """Whether a stored value equals a planned one: times as UTC instants, None as absent."""
    return _normal(stored) == _normal(planned)


def _normal(value):
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, dict):
        return {key: _normal(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_normal(item) for item in value]
    return value


def _plain(value):
    """JSON-ready: times as ISO text, ids as hex, dict keys as text."""
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _same_time(first, second):
    return first is not None and second is not None and as_utc(first) == as_utc(second)


def _newer(source_time, stored_time):
    return source_time is not None and (stored_time is None or as_utc(source_time) > as_utc(stored_time))


def _is_empty(value):
    return value is None or value == "" or value == [] or value == {}
