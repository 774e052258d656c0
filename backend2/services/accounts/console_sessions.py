"""The moderator console's sessions: signed in with an app's phone and password (or login code),
moderators only, held by a cookie of their own that ends after CONSOLE_IDLE_MINUTES without a
click, and checked again on every click.

The cookie is 32 random bytes; only its SHA-256 is stored. It is not a JWT, so the API refuses
it as a bearer token, and an app's token is no console cookie (no session has its hash). Every
form of a session carries the session's CSRF token. A moderator whose role is taken back, who is
suspended or whose account is deleted is out at the next click: the session ends then. They
end at once when the role is taken back by the command, when the person signs out everywhere or
changes their password, and when a moderator ends all their sessions (people/sessions.py)."""
import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app

from backend2.errors import Codes, Forbidden, NotFound, Unauthorized
from backend2.models import ConsoleSession, User
from backend2.services.accounts import auth
from backend2.services.accounts.moderation import audit, is_moderator
from backend2.utils.time import as_utc, utcnow


def _hash(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def _expiry():
    return utcnow() + timedelta(minutes=current_app.config["CONSOLE_IDLE_MINUTES"])


def sign_in(phone, password, code, client):
    """A new console session for the moderator with this phone and password (or login code):
    returns (the cookie's value, the session). Wrong credentials are 401 as in the apps; right
    ones without the role are 404, as the API answers them. `client`: the request's {ip, userAgent}."""
    if code:
        user = auth.user_with_code(phone, code)
    else:
        user = auth.user_with_password({"phone": phone, "password": password or ""})
    auth.refuse_suspended(user)
    if not is_moderator(user):
        raise NotFound("Not found", code=Codes.NOT_FOUND)
    raw = secrets.token_urlsafe(32)
    session = ConsoleSession(token_hash=_hash(raw), user=user.id, csrf_token=secrets.token_urlsafe(32),
                             ip=client.get("ip", ""), user_agent=client.get("userAgent", "")[:300],
                             expires_at=_expiry()).save()
    audit(user, "console_signed_in", user.id, ip=session.ip)
    return raw, session


def current(raw):
    """(session, moderator) for a console cookie, its idle time started again. A missing,
    unknown or idle cookie is 401 `console_signed_out`; a session whose person may no longer
    moderate ends, and is 404 (403 `account_suspended` when suspended)."""
    session = ConsoleSession.objects(token_hash=_hash(raw)).first() if raw else None
    if session is None or as_utc(session.expires_at) <= utcnow():
        raise Unauthorized("Sign in to the console", code=Codes.CONSOLE_SIGNED_OUT)
    user = User.objects(id=session.user).first()
    if user is None or not is_moderator(user):
        session.delete()
        if user is not None and user.deleted_at is None:
            auth.refuse_suspended(user)
        raise NotFound("Not found", code=Codes.NOT_FOUND)
    ConsoleSession.objects(id=session.id).update_one(set__expires_at=_expiry(), set__updated_at=utcnow())
    return session, user


def check_csrf(expected, given):
    """Refuse a form whose csrf_token is not `expected` (its session's, or the sign-in forms' cookie)."""
    if not (expected and isinstance(given, str) and hmac.compare_digest(given.encode(), expected.encode())):
        raise Forbidden("This form has expired or did not come from the console; reload the page",
                        code=Codes.CSRF_FAILED)


def sign_out(session):
    ConsoleSession.objects(id=session.id).delete()


def of(user_id):
    """The person's live console sessions, the latest click first (people/sessions.py ends them)."""
    return list(ConsoleSession.objects(user=user_id, expires_at__gt=utcnow()).order_by("-updated_at"))
