"""What an import run did, per collection: counts, and every document it rejected, with why."""
import time
from collections import Counter
from datetime import datetime, timezone

from backend2.utils.time import iso

STATUSES = ("imported", "merged", "updated", "unchanged", "rejected")


class Section:
    """One collection's part of the report."""

    def __init__(self, name):
        self.name = name
        self.counts = Counter({"read": 0, **{status: 0 for status in STATUSES}})
        self.rejected, self.conflicts, self.repairs = [], [], []
        self.missing, self.different = [], []  # what `legacy verify` found
        self.notes = Counter()  # derived work that is not one document's outcome (cursors moved, ...)
        self.shapes = Counter()  # which server's shape each document read had: desktop, mobile, either
        self.seconds = 0.0
        self._started = None

    def start(self):
        self._started = time.monotonic()

    def stop(self):
        if self._started is not None:
            self.seconds += time.monotonic() - self._started
            self._started = None

    def read(self, count=1, origin=None):
        self.counts["read"] += count
        if origin:
            self.shapes[origin] += count

    def count(self, status, count=1):
        self.counts[status] += count

    def outcome(self, doc, status):
        """Count what became of a document; its copies from other sources were merged into it."""
        self.counts[status] += 1
        self.counts["unchanged" if status == "unchanged" else "merged"] += len(doc.copies)

    def reject(self, doc, reason, detail=None, counted=True):
        """List a rejected document (and its copies); `counted=False` when the count is kept in
        other units (files count distinct files)."""
        for rejected in (doc, *doc.copies) if counted else (doc,):
            if counted:
                self.counts["rejected"] += 1
            self.rejected.append(_entry(rejected, reason=reason, detail=detail))

    def conflict(self, doc, what, detail):
        self.conflicts.append(_entry(doc, conflict=what, detail=detail))

    def repair(self, doc, what, detail=None):
        self.repairs.append(_entry(doc, repair=what, detail=detail))

    def to_dict(self):
        body = {**self.counts, "seconds": round(self.seconds, 3), "shapes": dict(self.shapes),
                "rejectedDocuments": self.rejected, "conflicts": self.conflicts, "repairs": self.repairs}
        if self.notes:
            body["notes"] = dict(self.notes)
        return body


def _stamp(seconds):
    return iso(datetime.fromtimestamp(seconds, tz=timezone.utc)) if seconds else None


def _entry(doc, **fields):
    """A report line naming the source document: its source, collection and `_id`."""
    entry = {"source": doc.source, "collection": doc.collection, "sourceId": str(doc.legacy_id), "shape": doc.origin}
    entry.update({key: value for key, value in fields.items() if value is not None})
    return entry


class Report:
    def __init__(self, mode, sources, target):
        self.mode = mode  # "import", "dry-run" or "verify"
        self.sources = sources
        self.target = target
        self.sections = {}
        self.ignored = []  # collections of a source that are not the Express servers'
        self.started_at, self.finished_at = time.time(), None

    def section(self, name):
        if name not in self.sections:
            self.sections[name] = Section(name)
        return self.sections[name]

    def ignore(self, source, collection, documents):
        self.ignored.append({"source": source, "collection": collection, "documents": documents})

    def finish(self):
        self.finished_at = time.time()

    @property
    def problems(self):
        """What `legacy verify` fails on: source documents missing from the target, or different."""
        return sum(len(s.missing) + len(s.different) for s in self.sections.values())

    def to_dict(self):
        body = {"mode": self.mode, "sources": self.sources, "target": self.target,
                "startedAt": _stamp(self.started_at), "finishedAt": _stamp(self.finished_at),
                "collections": {name: section.to_dict() for name, section in self.sections.items()},
                "ignoredCollections": self.ignored}
        if self.mode == "verify":
            body["verify"] = {name: {"missing": s.missing, "different": s.different}
                              for name, s in self.sections.items()}
        return body

    def summary_lines(self):
        """The table printed at the end of a run, then each reason and how often it came up."""
        header = f"{'collection':<14}{'read':>9}{'imported':>10}{'merged':>8}{'updated':>9}{'unchanged':>11}" \
                 f"{'rejected':>10}{'seconds':>9}"
        lines = [header]
        for name, section in self.sections.items():
            c = section.counts
            lines.append(f"{name:<14}{c['read']:>9}{c['imported']:>10}{c['merged']:>8}{c['updated']:>9}"
                         f"{c['unchanged']:>11}{c['rejected']:>10}{section.seconds:>9.1f}")
        reasons = Counter((name, entry["reason"]) for name, s in self.sections.items() for entry in s.rejected)
        for (name, reason), count in sorted(reasons.items()):
            lines.append(f"  rejected {name}: {count} × {reason}")
        for name, section in self.sections.items():
            for kind, entries in (("conflicts", section.conflicts), ("repairs", section.repairs)):
                if entries:
                    lines.append(f"  {name}: {len(entries)} {kind}")
            for note, count in sorted(section.notes.items()):
                lines.append(f"  {name}: {note}: {count}")
        for ignored in self.ignored:
            lines.append(f"  not imported: {ignored['collection']} ({ignored['documents']} documents) "
                         f"in {ignored['source']}")
        return lines
