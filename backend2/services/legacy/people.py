"""People: one Backend2 user per person, however many source documents describe them.

Documents are one person when their phone numbers are the same in E.164 (read in
DEFAULT_REGION when typed without a country code). A document without a readable phone
joins the person whose email it shares (in the sources, or a Backend2 user), or is rejected.
A person already in Backend2 (from an earlier run, or who registered since) keeps that user;
otherwise the person keeps the smallest of their source ids. Every source id is recorded on
the user, so the old apps' tokens and cached ids still find them.

Where documents disagree, the most recently updated one's value wins and the report lists
the conflict. No two people share an email: the most recently updated keeps it.
"""
from backend2.models import LegacyImport, User
from backend2.services.legacy.engine import Plan
from backend2.services.legacy.account_shapes import read_user

LOOKUP_CHUNK = 1000


def import_users(run):
    with run.phase("users") as section:
        records = list(run.records("users", section, read_user, run.region))
        known = _backend2_users(records)
        people = _group(records, known, section)
        run.users.update(known.ledger)  # people imported before, whether or not a source still has them
        plans = [_plan(person, known, section) for person in people]
        _carry_blocks(plans, people, known)
        _share_emails(plans, known, section)
        _resolve_avatars(run, plans, people)
        writer = run.writer(User, section)
        for plan in plans:
            writer.add(plan)
        writer.flush()
        for plan, person in zip(plans, people):
            if plan.target_id not in writer.failed_targets:
                run.users.update({record.doc.legacy_id: plan.target_id for record in person})
                run.phones[plan.target_id] = plan.fields["phone"]


class _Known:
    """Backend2 users the sources may refer to: by id, by a recorded source id, by phone, by email."""

    def __init__(self, users):
        self.by_id = {user["_id"]: user for user in users}
        self.by_legacy_id = {oid: user for user in users for oid in user.get("legacyIds") or ()}
        self.by_phone = {user["phone"]: user for user in users if user.get("phone")}
        self.by_email = {user["email"]: user for user in users if user.get("email")}
        self.ledger = {}


def _backend2_users(records):
    ids = [record.doc.legacy_id for record in records]
    phones = [record.phone for record in records if record.phone]
    emails = [record.email for record in records if record.email]
    found = {}
    fields = {"phone": 1, "email": 1, "legacyIds": 1, "updatedAt": 1}
    for start in range(0, max(len(ids), len(phones), len(emails)), LOOKUP_CHUNK):
        chunk = slice(start, start + LOOKUP_CHUNK)
        query = {"$or": [{"_id": {"$in": ids[chunk]}}, {"legacyIds": {"$in": ids[chunk]}},
                         {"phone": {"$in": phones[chunk]}}, {"email": {"$in": emails[chunk]}}]}
        found.update((user["_id"], user) for user in User.raw_find(query, fields))
    known = _Known(list(found.values()))
    known.ledger = LegacyImport.targets_of("users")
    return known


def _group(records, known, section):
    """Lists of records that are one person, each list keyed by its phone."""
    people = {}
    for record in records:
        if record.phone:
            people.setdefault(record.phone, []).append(record)
    phones_by_email = {}
    for phone, person in people.items():
        for record in person:
            if record.email:
                phones_by_email.setdefault(record.email, set()).add(phone)
    for email, user in known.by_email.items():
        phones_by_email.setdefault(email, set()).add(user["phone"])
    for record in records:
        if record.phone:
            continue
        phones = phones_by_email.get(record.email, set()) if record.email else set()
        if len(phones) != 1:
            section.reject(record.doc, "no_phone" if not phones else "ambiguous_email",
                           "no readable phone number, and no single person with this email")
            continue
        phone = next(iter(phones))
        section.repair(record.doc, "matched_by_email", f"joined the person with phone {phone}")
        people.setdefault(phone, []).append(record)
    for phone, person in people.items():
        sources = [record.doc.source for record in person if record.phone]
        if len(sources) != len(set(sources)):
            section.repair(person[0].doc, "duplicate_phone_in_one_source", f"{phone}: merged into one person")
    return sorted(people.values(), key=lambda person: min(record.doc.legacy_id for record in person))


def _target_of(person, known):
    """The Backend2 user this person already is, if any: by ledger, by id, then by phone."""
    for record in person:
        target = known.ledger.get(record.doc.legacy_id)
        if target is not None:
            return target
    for record in person:
        user = known.by_id.get(record.doc.legacy_id) or known.by_legacy_id.get(record.doc.legacy_id)
        if user is not None:
            return user["_id"]
    user = known.by_phone.get(_phone_of(person))
    return user["_id"] if user else None


def _phone_of(person):
    return next(record.phone for record in person if record.phone)


def _plan(person, known, section):
    newest = sorted(person, key=lambda r: (r.updated_at, str(r.doc.legacy_id)), reverse=True)
    target = _target_of(person, known) or min(record.doc.legacy_id for record in person)
    phone = _phone_of(person)

    def pick(attribute):
        return next((getattr(r, attribute) for r in newest if getattr(r, attribute)), None)

    name = pick("name")
    if name is None:
        name = phone
        section.repair(newest[0].doc, "name_from_phone", "no name in any document")
    others = sorted({r.name for r in person if r.name and r.name != name})
    if others:
        section.conflict(newest[0].doc, "name", f"kept {name!r} (most recently updated) over {others}")
    docs = sorted((r.doc for r in person), key=lambda doc: (doc.legacy_id != target, doc.legacy_id))
    last_seen = [r.last_seen for r in person if r.last_seen]
    fields = {"name": name, "phone": phone, "email": pick("email"), "passwordHash": pick("password_hash"),
              "about": pick("about"), "lastSeen": max(last_seen) if last_seen else None,
              "updatedAt": newest[0].updated_at}
    # What no source has is left out, never unset: a person's Backend2 password or email stays.
    return Plan(target_id=target, docs=docs, legacy_ids=sorted(doc.legacy_id for doc in docs),
                fields={key: value for key, value in fields.items() if value is not None},
                on_insert={"createdAt": min(r.created_at for r in person), "blockedUsers": []},
                updated_at=newest[0].updated_at, fill_gaps=True)


def _carry_blocks(plans, people, known):
    """Who each person had blocked, on either server, as Backend2 ids: added to the blocks they
    have in Backend2, never taking one away."""
    kept = {**known.ledger, **{r.doc.legacy_id: plan.target_id for plan, person in zip(plans, people) for r in person}}
    for plan, person in zip(plans, people):
        blocked = sorted({kept[oid] for r in person for oid in r.blocked if oid in kept} - {plan.target_id})
        if blocked:
            plan.fields["blockedUsers"] = blocked
            plan.merge = _with_blocks_kept(plan.fields)


def _with_blocks_kept(fields):
    def merge(current):
        return {**fields, "blockedUsers": sorted(set(current.get("blockedUsers") or []) | set(fields["blockedUsers"]))}
    return merge


def _share_emails(plans, known, section):
    """One email, one person: the most recently updated keeps it, in the sources and in Backend2."""
    holders = {}
    for plan in sorted(plans, key=lambda p: p.updated_at, reverse=True):
        email = plan.fields.get("email")
        if not email:
            continue
        owner = known.by_email.get(email)
        if (owner is not None and owner["_id"] != plan.target_id) or email in holders:
            section.conflict(plan.docs[0], "email_taken", f"{email} stays with another person")
            del plan.fields["email"]
        else:
            holders[email] = plan


def _resolve_avatars(run, plans, people):
    """The newest avatar that can be brought across (a Backend2 upload, or a link to another site)."""
    for start in range(0, len(plans), run.batch_size):
        chunk = list(zip(plans[start:start + run.batch_size], people[start:start + run.batch_size]))
        candidates = {plan.target_id: [(r.avatar, r.doc) for r in sorted(person, key=lambda r: r.updated_at,
                                                                          reverse=True) if r.avatar]
                      for plan, person in chunk}
        found = run.files.resolve([("avatar", reference, target, doc)
                                   for target, references in candidates.items() for reference, doc in references])
        for plan, _ in chunk:
            urls = (found.get(("avatar", reference)) for reference, _ in candidates[plan.target_id])
            avatar = next((stored["url"] for stored in urls if stored), None)
            if avatar:
                plan.fields["avatar"] = avatar
