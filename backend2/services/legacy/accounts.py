"""Signed-in devices and address books.

Desktop sessions keep their ids, so a desktop token `{id, sessionId}` names the same session
after the import; one that was signed out (`isActive: false`) or has expired comes across
revoked (and MongoDB's TTL index then removes the expired ones). A session without
`expiresAt` lasts JWT_EXPIRES_SECONDS from its creation.

The mobile server kept one document per contact; Backend2 keeps one address book per user.
A person's contacts from every source join the book they already have in Backend2, numbers
read in the owner's country as a contact sync reads them.
"""
from datetime import timedelta

from flask import current_app

from backend2.models import ContactBook, Session
from backend2.services.legacy.engine import Plan
from backend2.services.legacy.account_shapes import read_contact, read_session
from backend2.utils.phone import region_of, to_e164

PLATFORMS = ("electron", "flutter", "web", "other")
DESKTOP_PLATFORM = "electron"  # the desktop server's only client


def import_sessions(run):
    lifetime = timedelta(seconds=current_app.config["JWT_EXPIRES_SECONDS"])
    with run.phase("sessions") as section:
        writer = run.writer(Session, section)
        for record in run.records("sessions", section, read_session):
            user = run.users.get(record.user)
            if user is None:
                section.reject(record.doc, "unknown_user", f"user {record.user} was not imported")
                continue
            writer.add(_session_plan(record, user, lifetime, run.run_at))
        writer.flush()


def _session_plan(record, user, lifetime, now):
    expires = record.expires_at or record.created_at + lifetime
    platform = (record.platform or "").lower()
    ended = not record.active or expires <= now
    fields = {"user": user, "platform": platform if platform in PLATFORMS else DESKTOP_PLATFORM,
              "deviceName": (record.device_name or "")[:200], "ip": record.ip or "",
              "userAgent": (record.user_agent or "")[:300], "lastSeenAt": record.last_seen_at or record.updated_at,
              "expiresAt": expires, "revokedAt": record.updated_at if ended else None, "updatedAt": record.updated_at}

    def merge(current):
        """A session signed out in Backend2 stays signed out, whatever the old server says."""
        return {**fields, "revokedAt": current.get("revokedAt") or fields["revokedAt"]}

    return Plan(target_id=record.doc.legacy_id, docs=[record.doc], updated_at=record.updated_at,
                may_vanish=expires <= now, fields=fields, on_insert={"createdAt": record.created_at}, merge=merge)


def import_contacts(run):
    with run.phase("contacts") as section:
        books = {}
        for record in run.records("contacts", section, read_contact):
            owner = run.users.get(record.owner)
            if owner is None:
                section.reject(record.doc, "unknown_user", f"owner {record.owner} was not imported")
                continue
            entries = _entries(record, region_of(run.phones.get(owner, "")) or run.region, section)
            if entries:
                books.setdefault(owner, []).append((record, entries))
        stored = run.stored_ids(ContactBook, "user", list(books))
        writer = run.writer(ContactBook, section)
        for owner, items in books.items():
            writer.add(_book_plan(owner, items, stored.get(owner)))
        writer.flush()


def _entries(record, region, section):
    """[(E.164, name)] of a contact document; unreadable numbers are reported."""
    entries, unreadable = [], []
    for phone, name in record.entries:
        e164 = to_e164(str(phone) if isinstance(phone, int) else phone, region)
        if e164:
            entries.append((e164, name))
        else:
            unreadable.append(str(phone)[:40])
    if unreadable and not entries:
        section.reject(record.doc, "invalid_phone", ", ".join(unreadable))
    elif unreadable:
        section.repair(record.doc, "invalid_phones_dropped", ", ".join(unreadable))
    return entries


def _book_plan(owner, items, stored):
    items.sort(key=lambda item: (item[0].updated_at, str(item[0].doc.legacy_id)), reverse=True)
    names = {}
    for _, entries in items:  # newest first: the newest non-empty name of each number
        for phone, name in entries:
            if not names.get(phone):
                names[phone] = name
    legacy = [{"phone": phone, "name": names[phone]} for phone in sorted(names)]

    def merge(current):
        """Backend2's book keeps its entries and names; numbers only the sources had are added."""
        kept = list(current.get("entries") or [])
        present = {entry.get("phone") for entry in kept}
        return {"entries": kept + [entry for entry in legacy if entry["phone"] not in present]}

    docs = [record.doc for record, _ in items]
    newest = items[0][0].updated_at
    return Plan(target_id=stored or min(doc.legacy_id for doc in docs), docs=docs,
                fields={"user": owner, "entries": legacy, "updatedAt": newest},
                on_insert={"createdAt": min(record.created_at for record, _ in items)},
                updated_at=newest, merge=merge)
