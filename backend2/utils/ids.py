"""MongoDB ObjectId parsing that never raises on client input."""
from bson import ObjectId
from bson.errors import InvalidId


def parse_object_id(value):
    """The ObjectId for a 24-hex-digit string, or None for anything else."""
    if isinstance(value, ObjectId):
        return value
    if not isinstance(value, str):
        return None
    try:
        return ObjectId(value)
    except (InvalidId, TypeError):
        return None
