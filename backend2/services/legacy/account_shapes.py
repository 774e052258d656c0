"""Reading people, sessions and contacts as either Express server stored them."""
import re
from dataclasses import dataclass, field
from datetime import datetime

from backend2.services.legacy.shapes import Record, Rejected, record_times
from backend2.utils.legacy_values import first, flag, moment, object_id, object_ids, text
from backend2.utils.phone import stored_to_e164

BCRYPT_HASH = re.compile(r"^\$2[abxy]\$\d\d\$[./A-Za-z0-9]{53}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PRESENCE_WORDS = {"online", "offline", "away", "busy", "active", "inactive"}


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
    created, updated, repairs = record_times(raw, doc)
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
    created, updated, repairs = record_times(raw, doc)
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
    created, updated, repairs = record_times(raw, doc)
    owner = object_id(first(raw, "owner", "user", "userId"))
    if owner is None:
        raise Rejected("no_owner", "a contact names no owner")
    if isinstance(raw.get("entries"), list):  # one address book per document, as Backend2 keeps it
        entries = [(e.get("phone"), text(e.get("name")) or "") for e in raw["entries"] if isinstance(e, dict)]
    else:
        entries = [(raw.get("phone"), text(raw.get("name")) or "")]
    return LegacyContact(doc, created, updated, repairs, owner=owner, entries=entries)
