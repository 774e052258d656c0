"""UTC time inside, `toISOString()` text at the edge."""
from datetime import datetime, timedelta, timezone


# "Until further notice", where a setting takes a time (muting a chat forever).
FOREVER = datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=timezone.utc)


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


def parse_iso(value):
    """A UTC datetime for an ISO 8601 string (`Z` or an offset; naive means UTC), or None."""
    if not isinstance(value, str) or not 10 <= len(value) <= 40:
        return None
    try:
        parsed = datetime.fromisoformat(value)
        return as_utc(parsed).replace(microsecond=parsed.microsecond // 1000 * 1000)
    except (ValueError, OverflowError):  # OverflowError: an offset takes it out of years 1-9999
        return None


DURATION_UNITS = ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second"))


def describe_duration(seconds):
    """"24 hours", "7 days", "90 seconds": in the largest unit that divides it."""
    count, unit = next((seconds // size, unit) for size, unit in DURATION_UNITS if seconds % size == 0)
    return f"{count} {unit}{'' if count == 1 else 's'}"
