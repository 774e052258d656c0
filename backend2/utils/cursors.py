"""Opaque sync cursors: a position (time, document id) in an ordered stream of changes."""
import base64
from datetime import datetime, timezone

from bson import ObjectId

from backend2.utils.ids import parse_object_id

# Sorts after every real id, for "everything up to this time".
LAST_ID = ObjectId("f" * 24)


def encode_cursor(moment, object_id):
    millis = int(moment.timestamp() * 1000)
    return base64.urlsafe_b64encode(f"{millis}.{object_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor):
    """(datetime, ObjectId) for a cursor made by `encode_cursor`, or None if it is not one."""
    if not isinstance(cursor, str) or len(cursor) > 64:
        return None
    try:
        millis, _, raw_id = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().partition(".")
        moment = datetime.fromtimestamp(int(millis) / 1000, tz=timezone.utc)
    except (ValueError, UnicodeDecodeError, OverflowError, OSError):
        return None
    object_id = parse_object_id(raw_id)
    return (moment, object_id) if object_id else None
