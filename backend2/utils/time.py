"""UTC time inside, `toISOString()` text at the edge."""
from datetime import datetime, timedelta, timezone


def utcnow():
    """The current UTC time, cut to milliseconds as MongoDB stores it."""
    now = datetime.now(timezone.utc)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def as_utc(value):
    """Treat naive datetimes (as pymongo returns them) as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def iso(value):
    """Format like JavaScript's Date.prototype.toISOString(): 2024-01-02T03:04:05.678Z."""
    if value is None:
        return None
    return as_utc(value).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def seconds_from_now(seconds):
    return utcnow() + timedelta(seconds=seconds)
