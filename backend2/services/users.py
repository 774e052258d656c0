"""Finding other users, and changing one's own profile and settings (each change one atomic update)."""
import re

from flask import current_app
from mongoengine import NotUniqueError, Q

from backend2.errors import Codes, Conflict, NotFound, ValidationFailed
from backend2.models import Session, User
from backend2.services import cached, file_store, images, legacy_tokens, sessions, uploads
from backend2.services.blocks import blocked_between, hidden_user_ids
from backend2.services.pagination import paginate
from backend2.utils.ids import parse_object_id
from backend2.utils.passwords import check_password, hash_password
from backend2.utils.time import utcnow
from backend2.utils.user_settings import BY_FIELD, SETTINGS

MIN_PHONE_DIGITS_TO_SEARCH = 3


def find_user(user_id):
    """The user with this id, or None."""
    return User.find_one_raw({"_id": user_id})


def visible_user(viewer, user_id):
    """The user with this id as `viewer` may see them; 404 if unknown or blocked either way."""
    oid = parse_object_id(user_id)
    user = User.by_id_or_legacy_id(oid) if oid else None
    if user is None or (user.id != viewer.id and blocked_between(viewer, user.id)):
        raise NotFound("User not found", code=Codes.USER_NOT_FOUND)
    return user


def search_users(viewer, query, page, limit):
    """Other users whose name contains `query`, or whose number contains its digits."""
    hidden = hidden_user_ids(viewer) | {viewer.id}
    users = User.objects(id__nin=list(hidden), deleted_at=None)
    query = (query or "").strip()
    if query:
        condition = Q(name__icontains=query)
        digits = re.sub(r"\D", "", query)
        if len(digits) >= MIN_PHONE_DIGITS_TO_SEARCH:
            condition |= Q(phone__contains=digits)
        users = users.filter(condition)
    return paginate(users.order_by("name", "id"), page, limit)


def settings_of(user):
    """{stored field: value} of every setting of `user` (the schemas name them)."""
    return {setting.field: getattr(user, setting.field) for setting in SETTINGS}


def update_settings(user, changes):
    """Change any settings ({stored field: value}, none is fine) in one atomic update; returns them all."""
    return settings_of(_apply(user, {f"set__{field}": value for field, value in changes.items()}))


def update_profile(context, changes):
    """Apply name, about, email, avatar, password and settings changes in one atomic update; a new
    password ends the other sessions."""
    user = context.user
    current_password = changes.pop("currentPassword", None)
    new_password = changes.pop("password", None)
    updates = {f"set__{field}": changes[field] for field in changes if field in BY_FIELD}
    for field in ("name", "about", "avatar"):
        if field in changes:
            updates[f"set__{field}"] = changes[field].strip() if isinstance(changes[field], str) else None
    if changes.get("avatar"):
        updates["set__avatar"] = uploads.keep_avatar(updates["set__avatar"])
    if "email" in changes:
        updates["set__email"] = changes["email"].lower() if changes["email"] else None
    if new_password is not None:
        updates["set__password_hash"] = _new_password_hash(user, new_password, current_password)
    user = _apply(user, updates)
    if new_password is not None:
        _end_other_sessions(context)
    return user


def _apply(user, updates):
    """One atomic update of the user (nothing to change is fine); returns the user as now stored."""
    if not updates:
        return user
    try:
        changed = User.objects(id=user.id).modify(**updates, set__updated_at=utcnow(), new=True)
    except NotUniqueError:
        raise Conflict("This email already has an account", code=Codes.EMAIL_TAKEN)
    finally:
        cached.forget_user(user.id)
    return changed or user


def _new_password_hash(user, new_password, current_password):
    if user.password_hash and not (current_password and check_password(current_password, user.password_hash)):
        # 400, not 401: a 401 would make the apps think the token is bad and sign out.
        raise ValidationFailed("The current password is wrong", code=Codes.INVALID_CURRENT_PASSWORD,
                               details={"currentPassword": ["Wrong or missing"]})
    return hash_password(new_password, current_app.config["BCRYPT_ROUNDS"])


def _end_other_sessions(context):
    others = Session.objects(user=context.user.id)
    if context.session is not None:
        others = others.filter(id__ne=context.session.id)
    sessions.end_sessions(others)
    if context.legacy_shape is None:  # an Express token changing the password keeps working
        legacy_tokens.revoke_all(context.user.id)


def set_avatar(user, file_storage):
    """Store an uploaded image as the user's avatar, re-encoded and scaled down."""
    data = images.read_limited(file_storage, current_app.config["AVATAR_MAX_BYTES"])
    upload = uploads.save_prepared(uploads.prepare_avatar(user.id, data))
    return _apply(user, {"set__avatar": file_store.upload_url(upload.stored_name)})


def user_id_or_404(user_id):
    """The id of the user `user_id` names (either id they have); 404 if none."""
    oid = parse_object_id(user_id)
    user = User.by_id_or_legacy_id(oid) if oid else None
    if user is None:
        raise NotFound("User not found", code=Codes.USER_NOT_FOUND)
    return user.id
