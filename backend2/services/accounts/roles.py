"""Who is a moderator: the role an operator gives or takes back from the command line, each
change in the audit log; taking it back ends the person's console sessions at once."""
from flask import current_app

from backend2.errors import Codes, NotFound
from backend2.models import User
from backend2.services.accounts.moderation import audit
from backend2.services.people import sessions
from backend2.services.support import cached
from backend2.utils.phone import to_e164

ROLE_ACTIONS = {"moderator": "moderator_granted", "user": "moderator_revoked"}


def set_role(raw_phone, role, by="command line"):
    """Give the account with this phone number `role` (moderator or user), recorded in the audit
    log as done by `by`; returns (the number, whether MODERATOR_PHONES still makes it a moderator)."""
    number = to_e164(raw_phone, current_app.config["DEFAULT_REGION"]) or raw_phone
    user = User.objects(phone=number, deleted_at=None).only("id", "role").first()
    if user is None:
        raise NotFound(f"No account has the phone number {number}", code=Codes.USER_NOT_FOUND)
    User.objects(id=user.id).update_one(set__role=role)
    cached.forget_users()
    if role != "moderator":
        sessions.end_console_sessions(user.id)
    audit(None, ROLE_ACTIONS[role], user.id, by=by, previous=user.role)
    return number, number in current_app.config["MODERATOR_PHONES"]
