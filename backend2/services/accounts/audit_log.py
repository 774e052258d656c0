"""The audit log as moderators read it: append-only (nothing here changes an entry), newest
first, filtered by moderator, target and action, as pages or as CSV (a cell that would start a
formula in a spreadsheet, as a name may, starts with ' instead)."""
import csv
import io

from mongoengine import Q

from backend2.models import AuditEntry
from backend2.services.accounts.moderation import moderator, people
from backend2.services.support.pagination import paginate
from backend2.utils.ids import parse_object_id
from backend2.utils.time import iso

CSV_COLUMNS = ("time", "moderator", "moderatorName", "action", "target", "details")
CSV_BATCH = 500
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet read a cell as a formula


def filtered(user, moderator_id=None, target=None, action=None):
    """The entries, newest first, of this moderator, target and action (each optional), for the
    console and /admin to page through."""
    moderator(user)
    entries = AuditEntry.objects
    for field, raw in (("moderator", moderator_id), ("target", target)):
        if raw:
            oid = parse_object_id(raw)
            entries = entries.filter(**{field: oid}) if oid else entries.none()
    if action:
        entries = entries.filter(action=action)
    return entries.order_by("-created_at", "-id")


def entries(user, filters, page=1, limit=50):
    """One page of entries, each with its moderator's name: ([entry dict], pagination)."""
    items, pagination = paginate(filtered(user, **filters), page, limit)
    names = people({entry.moderator for entry in items if entry.moderator})
    return [_row(entry, names) for entry in items], pagination


def actions():
    """Every action the log holds, for the filter's choices."""
    return sorted(AuditEntry.objects.distinct("action"))


def as_csv(user, filters):
    """The filtered log as CSV text, a chunk at a time (header first)."""
    return _csv_chunks(filtered(user, **filters))  # the role checked now, not when the first chunk is read


def _csv_chunks(query):
    """Header, then CSV_BATCH entries a chunk, each batch after the last entry of the one before
    (newest first by time and id), so entries written meanwhile neither repeat nor shift rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    batch = list(query.limit(CSV_BATCH))
    while True:
        names = people({entry.moderator for entry in batch if entry.moderator})
        for entry in batch:
            row = _row(entry, names)
            writer.writerow([_cell(value) for value in (
                iso(row["created_at"]), row["moderator"] or "", row["moderator_name"], row["action"], row["target"],
                "; ".join(f"{k}={v}" for k, v in sorted(row["details"].items())))])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if len(batch) < CSV_BATCH:
            return
        last = batch[-1]
        batch = list(query.filter(Q(created_at__lt=last.created_at) | Q(created_at=last.created_at, id__lt=last.id))
                     .limit(CSV_BATCH))


def _cell(value):
    """A CSV cell a spreadsheet shows as text: one that would start a formula gets a leading '."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _row(entry, names):
    return {"id": entry.id, "created_at": entry.created_at, "moderator": entry.moderator, "action": entry.action,
            "moderator_name": names.get(entry.moderator, {}).get("name", entry.details.get("by", "")), "target": entry.target,
            "details": dict(entry.details)}
