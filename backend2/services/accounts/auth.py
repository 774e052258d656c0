"""Registration, login by code or password, and token authentication."""
import secrets
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app
from mongoengine import NotUniqueError

from backend2.errors import Codes, Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from backend2.models import Session, User
from backend2.services.accounts import account_deletion
from backend2.services.people import legacy_tokens, otps, presenter, sessions
from backend2.services.people.phones import normalize_phone
from backend2.services.support import cached
from backend2.services.support.tokens import issue_token, read_token
from backend2.utils.ids import parse_object_id
from backend2.utils.passwords import check_password, hash_password
from backend2.utils.time import as_utc, utcnow
from backend2.utils.views import OwnProfileView


@lru_cache(maxsize=4)
def _dummy_hash(rounds):
    """Checked when no user matches, so a wrong phone costs as long as a wrong password."""
    return hash_password(secrets.token_urlsafe(16), rounds)


@dataclass
class AuthContext:
    """Who is calling: the user, the session of their token (an Express token's "legacy app"
    session, made on its first use, if it names none), and the token's legacy shape, if any."""

    user: User
    session: Session | None
    legacy_shape: str | None = None


@dataclass
class AuthResult:
    token: str
    user: OwnProfileView
    session: Session


def is_suspended(user):
    """Suspended now: until lifted, or until `suspended_until` for a suspension for a time."""
    return user.suspended_at is not None and (user.suspended_until is None or as_utc(user.suspended_until) > utcnow())


def refuse_suspended(user):
    if is_suspended(user):
        raise Forbidden("A moderator suspended this account", code=Codes.ACCOUNT_SUSPENDED)


def refuse_closed_account(user):
    """A token (or a connection) of an account that is gone or suspended serves nothing."""
    if user is None or user.deleted_at is not None:
        raise Unauthorized("The account for this token no longer exists", code=Codes.USER_NOT_FOUND)
    refuse_suspended(user)


def _start_session(user, device, client):
    refuse_suspended(user)
    session = sessions.open_session(user, device, client)
    account_deletion.cancel_scheduled_deletion(user)
    return AuthResult(token=issue_token(user, session), user=presenter.present_self(user), session=session)


def send_registration_code(raw_phone):
    phone = normalize_phone(raw_phone)
    if User.objects(phone=phone).count():
        raise Conflict("This phone number already has an account", code=Codes.PHONE_TAKEN)
    return otps.issue_code(phone, "register")


def send_login_code(raw_phone):
    phone = normalize_phone(raw_phone)
    if not User.objects(phone=phone).count():
        raise NotFound("No account uses this phone number", code=Codes.USER_NOT_FOUND)
    return otps.issue_code(phone, "login")


def register_with_code(data, client):
    phone = normalize_phone(data["phone"])
    email = data.get("email", "").lower() or None
    if User.objects(phone=phone).count():
        raise Conflict("This phone number already has an account", code=Codes.PHONE_TAKEN)
    if email and User.objects(email=email).count():
        raise Conflict("This email already has an account", code=Codes.EMAIL_TAKEN)
    otps.consume_code(phone, "register", data["otp"])
    user = User(name=data["name"].strip(), phone=phone, email=email)
    if data.get("password"):
        user.password_hash = hash_password(data["password"], current_app.config["BCRYPT_ROUNDS"])
    try:
        user.save()
    except NotUniqueError:
        raise Conflict("This phone number or email already has an account", code=Codes.PHONE_TAKEN)
    return _start_session(user, data, client)


def login_with_code(data, client):
    return _start_session(user_with_code(data["phone"], data["otp"]), data, client)


def user_with_code(raw_phone, code):
    """The account of this phone once its login code checks out (spent); 404 without one."""
    phone = normalize_phone(raw_phone)
    otps.consume_code(phone, "login", code)
    user = User.objects(phone=phone).first()
    if user is None:
        raise NotFound("No account uses this phone number", code=Codes.USER_NOT_FOUND)
    return user


def login_with_password(data, client):
    return _start_session(user_with_password(data), data, client)


def user_with_password(data):
    """The account of `phone` (or `email`) when `password` is its password: the same 401 and
    the same bcrypt work for a wrong phone as for a wrong password."""
    if "email" in data:
        user = User.objects(email=data["email"].lower()).first()
    else:
        user = User.objects(phone=normalize_phone(data["phone"])).first()
    password_hash = user.password_hash if user else None
    fallback = _dummy_hash(current_app.config["BCRYPT_ROUNDS"])
    if not check_password(data["password"], password_hash or fallback) or not password_hash:
        raise Unauthorized("Invalid credentials", code=Codes.INVALID_CREDENTIALS)
    return user


def authenticate_token(raw_token, client=None):
    """The AuthContext for a bearer token, by the same rules for REST and sockets. `client`
    ({ip, userAgent}) describes the device, should an Express token need a session."""
    if not raw_token:
        raise Unauthorized("A bearer token is required", code=Codes.TOKEN_MISSING)
    claims = read_token(raw_token)
    user_id = parse_object_id(claims.user_id)
    if user_id is None:
        raise Unauthorized("Token is invalid", code=Codes.INVALID_TOKEN)
    if not claims.session_id and not current_app.config["ACCEPT_LEGACY_TOKENS"]:
        raise Unauthorized("Tokens without a session are no longer accepted", code=Codes.LEGACY_TOKEN_REJECTED)
    # An imported person may be named by an id an Express server gave them (legacy tokens).
    user = cached.user(user_id) or User.by_id_or_legacy_id(user_id)
    session = None
    if claims.session_id:
        session = sessions.active_session(claims.session_id, user.id if user else user_id)
        if session is None:
            raise Unauthorized("This session has ended; sign in again", code=Codes.SESSION_REVOKED)
    refuse_closed_account(user)
    if claims.legacy_shape:
        legacy_tokens.count_use(claims.legacy_shape)
        legacy_tokens.check(claims, user)
        session = session or legacy_tokens.session_for(claims, user, client or {})
    return AuthContext(user=user, session=session, legacy_shape=claims.legacy_shape)


def sign_out_devices(context, others):
    """End every session of the caller but, with `others`, the current one; every Express token
    issued until now stops working too. Returns how many sessions ended."""
    keep = context.session.id if others and context.session else None
    if keep is None or context.legacy_shape is None:  # a legacy app signing the others out keeps its own token
        legacy_tokens.revoke_all(context.user.id)
    return sessions.end_all(context.user.id, keep=keep)


def upgrade_legacy_token(context, device, client):
    """A token of ours for the caller's device in exchange for the Express token it used; the
    Express token's session ends, so that token stops working."""
    if context.legacy_shape is None:
        raise ValidationFailed("This is not an Express server's token: nothing to upgrade",
                               code=Codes.NOT_A_LEGACY_TOKEN)
    sessions.end_sessions(Session.objects(id=context.session.id))
    return _start_session(context.user, device, client)


def logout(context):
    if context.session is not None:
        sessions.revoke_session(context.user.id, context.session.id)
