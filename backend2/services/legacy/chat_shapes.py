"""Reading conversations, chat requests and messages as either Express server stored them."""
from dataclasses import dataclass, field
from datetime import datetime

from backend2.services.legacy.shapes import Record, Rejected, record_times
from backend2.utils.legacy_values import first, flag, moment, object_id, object_ids, text


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
    created, updated, repairs = record_times(raw, doc)
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
    created, updated, repairs = record_times(raw, doc)
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
    created, updated, repairs = record_times(raw, doc)
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
