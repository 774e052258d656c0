"""Reading one source document of each collection, whichever server wrote it.

Each reader takes the raw document and returns a plain record with Backend2's meaning of
every field, or raises `Rejected` with a reason. The desktop server ("Backend") and the
mobile server ("Backend1") named things differently; a reader accepts both names (and the
few spellings the apps are known to have sent), so one source may hold both shapes.
Repairs (a value that could not be read and was replaced by a documented rule) are listed
on the record for the report.
"""
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

import bson

from backend2.services.legacy.engine import SourceDoc
from backend2.utils.legacy_values import first, flag, id_time, moment, object_id, object_ids, text
from backend2.utils.phone import stored_to_e164

BCRYPT_HASH = re.compile(r"^\$2[abxy]\$\d\d\$[./A-Za-z0-9]{53}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PRESENCE_WORDS = {"online", "offline", "away", "busy", "active", "inactive"}
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


def _record_times(raw, doc):
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


@dataclass
class LegacyUser(Record):
    phone: str | None = None
    email: str | None = None
    name: str | None = None
    password_hash: str | None = None
    avatar: object = None
    about: str | None = None
    last_seen: datetime | None = None
    blocked: list = field(default_factory=list)


def read_user(raw, doc, region):
    created, updated, repairs = _record_times(raw, doc)
    phone = stored_to_e164(first(raw, "phone", "phoneNumber", "mobile"), region)
    email = text(raw.get("email"))
    if email and not EMAIL.match(email):
        repairs.append(("email_dropped", f"not an email: {email[:60]!r}"))
        email = None
    password = text(first(raw, "password", "passwordHash"))
    if password and not BCRYPT_HASH.match(password):
        repairs.append(("password_dropped", "not a bcrypt hash; the user signs in with a code"))
        password = None
    about, status = text(raw.get("about")), text(raw.get("status"))
    if not about and status and status.lower() not in PRESENCE_WORDS:
        about = status  # the desktop app's status line
    return LegacyUser(doc, created, updated, repairs, phone=phone, email=email.lower() if email else None,
                      name=text(first(raw, "name", "username", "displayName")) or None, password_hash=password,
                      avatar=first(raw, "avatarUrl", "avatar", "profilePicture"), about=about,
                      last_seen=moment(first(raw, "lastSeen", "lastActive")),
                      blocked=object_ids(first(raw, "blockedUsers", "blocked"))[0])


@dataclass
class LegacySession(Record):
    user: object = None
    platform: str | None = None
    device_name: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    active: bool = True
    last_seen_at: datetime | None = None
    expires_at: datetime | None = None


def read_session(raw, doc):
    created, updated, repairs = _record_times(raw, doc)
    user = object_id(first(raw, "user", "userId"))
    if user is None:
        raise Rejected("no_user", "a session names no user")
    device = raw.get("deviceInfo")
    device = device if isinstance(device, dict) else {"deviceName": device}
    return LegacySession(
        doc, created, updated, repairs, user=user,
        platform=text(first(raw, "platform")) or text(first(device, "platform", "os")),
        device_name=text(first(raw, "deviceName")) or text(first(device, "deviceName", "name", "model")),
        ip=text(first(raw, "ip", "ipAddress")),
        user_agent=text(first(raw, "userAgent")) or text(device.get("userAgent")),
        active=flag(raw["isActive"]) if "isActive" in raw else True,
        last_seen_at=moment(first(raw, "lastActivity", "lastSeenAt", "lastUsed")),
        expires_at=moment(raw.get("expiresAt")))


@dataclass
class LegacyContact(Record):
    owner: object = None
    entries: list = field(default_factory=list)  # [(phone as typed, name)]


def read_contact(raw, doc):
    created, updated, repairs = _record_times(raw, doc)
    owner = object_id(first(raw, "owner", "user", "userId"))
    if owner is None:
        raise Rejected("no_owner", "a contact names no owner")
    if isinstance(raw.get("entries"), list):  # one address book per document, as Backend2 keeps it
        entries = [(e.get("phone"), text(e.get("name")) or "") for e in raw["entries"] if isinstance(e, dict)]
    else:
        entries = [(raw.get("phone"), text(raw.get("name")) or "")]
    return LegacyContact(doc, created, updated, repairs, owner=owner, entries=entries)


@dataclass
class LegacyConversation(Record):
    is_group: bool = False
    members: list = field(default_factory=list)
    name: str | None = None
    avatar: object = None
    admins: list = field(default_factory=list)
    created_by: object = None
    delivered_up_to: dict = field(default_factory=dict)
    read_up_to: dict = field(default_factory=dict)


def read_conversation(raw, doc):
    created, updated, repairs = _record_times(raw, doc)
    members, bad = object_ids(first(raw, "members", "participants"))
    if bad:
        repairs.append(("unreadable_members_dropped", str(bad)[:200]))
    kind = (text(raw.get("type")) or "").lower()
    admins, _ = object_ids([*_as_list(raw.get("admins")), *_as_list(raw.get("admin"))])
    return LegacyConversation(
        doc, created, updated, repairs, is_group=flag(raw.get("isGroup")) or kind == "group", members=members,
        name=text(raw.get("name")) or None, avatar=first(raw, "avatar", "avatarUrl", "groupAvatar", "image"),
        admins=admins, created_by=object_id(first(raw, "createdBy", "creator", "owner")),
        delivered_up_to=_cursor_map(raw.get("deliveredUpTo")), read_up_to=_cursor_map(raw.get("readUpTo")))


def _as_list(value):
    return value if isinstance(value, list) else [] if value is None else [value]


def _cursor_map(value):
    """{user id: time} from the mobile server's {userId: date} cursors; unreadable entries skipped."""
    cursors = {}
    for key, when in (value.items() if isinstance(value, dict) else ()):
        oid, at = object_id(key), moment(when)
        if oid is not None and at is not None:
            cursors[oid] = at
    return cursors


@dataclass
class LegacyRequest(Record):
    sender: object = None
    to: object = None
    status: str = "pending"
    message: str = ""
    responded_at: datetime | None = None


REQUEST_STATUSES = {"pending": "pending", "accepted": "accepted", "rejected": "rejected", "declined": "rejected",
                    "cancelled": "cancelled", "canceled": "cancelled"}


def read_request(raw, doc):
    created, updated, repairs = _record_times(raw, doc)
    sender, to = object_id(first(raw, "from", "sender", "fromUser")), object_id(first(raw, "to", "recipient", "toUser"))
    if sender is None or to is None:
        raise Rejected("no_user", "a chat request needs 'from' and 'to'")
    status = REQUEST_STATUSES.get((text(raw.get("status")) or "pending").lower())
    if status is None:
        raise Rejected("unknown_status", str(raw.get("status"))[:40])
    responded = moment(raw.get("respondedAt")) or (updated if status != "pending" else None)
    return LegacyRequest(doc, created, updated, repairs, sender=sender, to=to, status=status,
                         message=text(raw.get("message")) or "", responded_at=responded)


@dataclass
class LegacyMessage(Record):
    conversation: object = None
    sender: object = None
    to: object = None
    text: str = ""
    type: str | None = None
    files: list = field(default_factory=list)  # [{url, name?, size?, mimeType?}] as the server stored them
    location: dict | None = None
    contact: dict | None = None
    reply_to: object = None
    edited_at: datetime | None = None
    deleted: bool = False
    deleted_at: datetime | None = None
    hidden_for: list = field(default_factory=list)
    status: str | None = None
    read_by: list = field(default_factory=list)
    delivered_to: list = field(default_factory=list)


def read_message(raw, doc):
    created, updated, repairs = _record_times(raw, doc)
    sender = object_id(first(raw, "sender", "from", "senderId"))
    if sender is None:
        raise Rejected("no_sender", "a message names no sender")
    body = first(raw, "content", "text", "message", "body")
    if body is not None and not isinstance(body, str):
        raise Rejected("unreadable_text", f"text is a {type(body).__name__}")
    edited = flag(first(raw, "isEdited", "edited")) or raw.get("editedAt") is not None
    deleted = flag(first(raw, "isDeleted", "deleted"))
    return LegacyMessage(
        doc, created, updated, repairs, conversation=object_id(first(raw, "conversationId", "conversation", "chatId")),
        sender=sender, to=object_id(raw.get("to")), text=body or "", type=(text(raw.get("type")) or "").lower() or None,
        files=_files(raw), location=_location(raw.get("location")), contact=_contact(raw.get("contact")),
        reply_to=object_id(_id_of(first(raw, "replyTo", "replyToId"))),
        edited_at=(moment(raw.get("editedAt")) or updated) if edited else None,
        deleted=deleted, deleted_at=(moment(raw.get("deletedAt")) or updated) if deleted else None,
        hidden_for=object_ids(first(raw, "deletedFor", "hiddenFor"))[0],
        status=(text(raw.get("status")) or "").lower() or None,
        read_by=_people(raw.get("readBy")), delivered_to=_people(raw.get("deliveredTo")))


def _id_of(value):
    return value.get("_id") if isinstance(value, dict) else value


def _people(value):
    """User ids from [id] or [{user|userId: id, readAt?}], the two ways receipts were kept."""
    ids, _ = object_ids([first(item, "user", "userId", "_id") if isinstance(item, dict) else item
                         for item in _as_list(value)])
    return ids


def _files(raw):
    """The files a message refers to: `attachments` (URLs or objects) or the desktop `fileUrl`."""
    found = []
    for item in _as_list(raw.get("attachments")):
        if isinstance(item, str):
            found.append({"url": item})
        elif isinstance(item, dict) and isinstance(first(item, "url", "path", "fileUrl", "uri"), str):
            found.append({"url": first(item, "url", "path", "fileUrl", "uri"),
                          "name": text(first(item, "name", "fileName", "originalName", "filename"))})
    if isinstance(raw.get("fileUrl"), str) and raw["fileUrl"].strip():
        found.append({"url": raw["fileUrl"], "name": text(first(raw, "fileName", "filename"))})
    return found


def _location(value):
    if not isinstance(value, dict):
        return None
    latitude, longitude = first(value, "latitude", "lat"), first(value, "longitude", "lng", "lon")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (latitude, longitude)):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    place = {"latitude": float(latitude), "longitude": float(longitude)}
    for key in ("name", "address"):
        if text(value.get(key)):
            place[key] = text(value[key])
    return place


def _contact(value):
    if isinstance(value, dict) and text(value.get("name")) and text(value.get("phone")):
        return {"name": text(value["name"]), "phone": text(value["phone"])}
    return None
