"""Changing one's own profile and settings, each change one atomic update."""
from flask import current_app
from mongoengine import NotUniqueError

from backend2.errors import Codes, Conflict, ValidationFailed
from backend2.models import Session, User
from backend2.services.media import file_store, images, uploads
from backend2.services.people import legacy_tokens, sessions
from backend2.services.support import cached
from backend2.utils.passwords import check_password, hash_password
from backend2.utils.time import utcnow
from backend2.utils.user_settings import BY_FIELD, SETTINGS


def settings_of(user):
    """{stored field: value} of every setting of `user` (the schemas name them)."""
    return {setting.field: getattr(user, setting.field) for setting in SETTINGS}


def update_settings(user, changes):
    """Change any settings ({stored field: value}, none is fine) in one atomic update; returns them all."""
    return settings_of(_apply(user, {f"set__{field}": value for field, value in changes.items()}))


def update_profile(context, changes):
    """Apply name, about, email, avatar, password and settings changes in one atomic update; a new
    password ends the other sessions, and any moderator console session."""
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
    sessions.end_console_sessions(context.user.id)
    if context.legacy_shape is None:  # an Express token changing the password keeps working
        legacy_tokens.revoke_all(context.user.id)


def set_avatar(user, file_storage):
    """Store an uploaded image as the user's avatar, re-encoded and scaled down."""
    data = images.read_limited(file_storage, current_app.config["AVATAR_MAX_BYTES"])
    upload = uploads.save_prepared(uploads.prepare_avatar(user.id, data))
    return _apply(user, {"set__avatar": file_store.upload_url(upload.stored_name)})
