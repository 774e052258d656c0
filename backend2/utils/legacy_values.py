"""Reading the loosely typed values the Express servers stored: ids, times, flags, text.

Mongoose stored what the apps sent, so one field may hold an ObjectId or its hex string, and
a time may be a BSON date, an ISO string or epoch milliseconds. Each reader returns None for
what it cannot interpret, and the importer decides whether that rejects or repairs a document.
"""
from datetime import datetime, timezone

from bson import ObjectId

from backend2.utils.ids import parse_object_id
from backend2.utils.time import as_utc, parse_iso

EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2200, 1, 1, tzinfo=timezone.utc)
SECONDS_BELOW = 10 ** 11  # an epoch number below this is seconds (10^11 ms is March 1973)


def object_id(value):
    """An ObjectId from an ObjectId, its 24-hex string, or extended JSON `{"$oid": ...}`."""
    if isinstance(value, dict) and set(value) == {"$oid"}:
        value = value["$oid"]
    return parse_object_id(value)


def object_ids(values):
    """(ids, not_ids): the readable ids of a list in order without repeats, and what was not an id."""
    if values is None:
        return [], []
    if not isinstance(values, list):
        values = [values]
    ids, bad = [], []
    for value in values:
        oid = object_id(value.get("_id") if isinstance(value, dict) and "_id" in value else value)
        if oid is None:
            bad.append(value)
        elif oid not in ids:
            ids.append(oid)
    return ids, bad


def moment(value):
    """A UTC datetime cut to milliseconds, from a BSON date, an ISO string, epoch milliseconds
    (or seconds, below 10^11) or `{"$date": ...}`; None when unreadable or out of range."""
    if isinstance(value, dict) and set(value) == {"$date"}:
        value = value["$date"]
        if isinstance(value, dict) and set(value) == {"$numberLong"}:
            value = value["$numberLong"]
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            found = datetime.fromtimestamp(value if abs(value) < SECONDS_BELOW else value / 1000, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    elif isinstance(value, datetime):
        found = as_utc(value)
    elif isinstance(value, str):
        found = parse_iso(value.strip().replace(" ", "T", 1))
    else:
        return None
    if found is None or not EARLIEST <= found < LATEST:
        return None
    return found.replace(microsecond=found.microsecond // 1000 * 1000)


def id_time(oid):
    """When an ObjectId was made: Mongoose's createdAt when none was stored."""
    return oid.generation_time if isinstance(oid, ObjectId) else None


def flag(value):
    """True for true, 1, "true", "yes"; False for everything else."""
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    return value is True or (isinstance(value, (int, float)) and not isinstance(value, bool) and value == 1)


def text(value):
    """A string, stripped of surrounding space; numbers as their digits; None for anything else."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def first(document, *names):
    """The value of the first of `names` the document has and is not None or empty text."""
    for name in names:
        value = document.get(name)
        if value is not None and value != "":
            return value
    return None
