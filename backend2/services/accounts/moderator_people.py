"""People as moderators look them up: by phone, name or id, and one person's file (profile,
reports about them, suspension, signed-in devices). A moderator sees what the person's privacy
settings hide from others: these never leave through the apps' API, only in console pages."""
import re

from flask import current_app
from mongoengine import Q

from backend2.errors import Codes
from backend2.models import Report, User
from backend2.services.accounts import console_sessions
from backend2.services.accounts.auth import is_suspended
from backend2.services.accounts.moderation import found, holds_moderator_role, moderator
from backend2.services.people import sessions
from backend2.utils.ids import parse_object_id
from backend2.utils.phone import to_e164

LOOKUP_LIMIT = 25


def look_up(user, query):
    """Up to LOOKUP_LIMIT accounts whose id is `query`, whose number contains its digits or whose
    name contains it, by name: [{person, suspended}]."""
    moderator(user)
    query = (query or "").strip()
    if not query:
        return []
    condition = Q(name__icontains=query)
    oid = parse_object_id(query)
    if oid:
        condition |= Q(id=oid) | Q(legacy_ids=oid)
    digits = re.sub(r"\D", "", query)
    if len(digits) >= 3:
        condition |= Q(phone__contains=digits)
        number = to_e164(query, current_app.config["DEFAULT_REGION"])
        if number:
            condition |= Q(phone=number)
    found = User.objects(condition).order_by("name", "id").limit(LOOKUP_LIMIT)
    return [{"person": person, "suspended": is_suspended(person)} for person in found]


def person_file(user, user_id):
    """{person, moderator, suspended, reports, sessions, console_sessions} of one account. Reading
    it writes nothing (a console page is a GET); the /admin API's sessions read is audited."""
    moderator(user)
    person = found(User, user_id, Codes.USER_NOT_FOUND)
    return {
        "person": person,
        "moderator": holds_moderator_role(person),
        "suspended": is_suspended(person),
        "reports": list(Report.objects(reported_user=person.id).order_by("-created_at").limit(50)),
        "sessions": sessions.list_sessions(person.id, None),
        "console_sessions": console_sessions.of(person.id),
    }
