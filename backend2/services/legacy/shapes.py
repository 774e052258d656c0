"""Reading one source document, whichever server wrote it: what every reader shares.

Each reader takes the raw document and returns a plain record with Backend2's meaning of
every field, or raises `Rejected` with a reason. The desktop server ("Backend") and the
mobile server ("Backend1") named things differently; a reader accepts both names (and the
few spellings the apps are known to have sent), so one source may hold both shapes.
Repairs (a value that could not be read and was replaced by a documented rule) are listed
on the record for the report. `account_shapes` reads people, sessions and contacts;
`chat_shapes` conversations, chat requests and messages.
"""
import hashlib
from dataclasses import dataclass, field
from datetime import datetime

import bson

from backend2.services.legacy.engine import SourceDoc
from backend2.utils.legacy_values import id_time, moment, object_id

DESKTOP_MARKS = {
    "users": {"password", "phoneNumber", "email", "avatarUrl", "status"},
    "conversations": {"members", "admin", "isGroup"},
    "messages": {"conversationId", "content", "sender", "readBy", "deliveredTo", "isEdited", "isDeleted", "fileUrl",
                 "status"},
}
MOBILE_MARKS = {
    "users": {"avatar", "about"},
    "conversations": {"participants", "participantKey", "deliveredUpTo", "readUpTo", "type"},
    "messages": {"conversation", "from", "text", "to", "edited", "deleted"},
}
ONE_SHAPE = {"sessions": "desktop", "contacts": "mobile", "chatrequests": "mobile"}


class Rejected(Exception):
    def __init__(self, reason, detail=None):
        super().__init__(reason)
        self.reason, self.detail = reason, detail


def source_doc(collection, raw, source):
    """The SourceDoc naming `raw`; its `legacy_id` is the ObjectId, or the raw `_id` if it has none."""
    oid = object_id(raw.get("_id"))
    created = moment(raw.get("createdAt")) or id_time(oid)
    return SourceDoc(collection=collection, legacy_id=oid or raw.get("_id"), source=source,
                     origin=_origin(collection, raw), raw_hash=hashlib.sha1(bson.encode(raw)).hexdigest(),
                     updated_at=moment(raw.get("updatedAt")) or created)


def _origin(collection, raw):
    if collection in ONE_SHAPE:
        return ONE_SHAPE[collection]
    desktop = len(DESKTOP_MARKS[collection] & raw.keys())
    mobile = len(MOBILE_MARKS[collection] & raw.keys())
    return "desktop" if desktop > mobile else "mobile" if mobile > desktop else "either"


@dataclass
class Record:
    doc: SourceDoc
    created_at: datetime
    updated_at: datetime
    repairs: list = field(default_factory=list)


def record_times(raw, doc):
    """(createdAt, updatedAt, repairs): an unreadable createdAt becomes the `_id`'s own time."""
    if not isinstance(doc.legacy_id, bson.ObjectId):
        raise Rejected("invalid_id", f"_id {str(doc.legacy_id)[:40]!r} is not an ObjectId")
    repairs = []
    created = moment(raw.get("createdAt"))
    if created is None:
        if raw.get("createdAt") is not None:
            repairs.append(("createdAt_from_id", f"unreadable createdAt {str(raw['createdAt'])[:40]!r}"))
        created = id_time(doc.legacy_id)
    return created, doc.updated_at or created, repairs
