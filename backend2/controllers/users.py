"""Profiles, search and blocks.

A public profile (`id, _id, name, avatar, avatarUrl, about, lastSeen, online`) is what anyone
signed in may see; the caller's own profile adds `phone, email, createdAt, updatedAt`. A block
hides the two users from each other: search, profiles, contact sync results, requests, new
chats, group invitations, presence and calls all behave as if the other did not exist (404
`user_not_found`). Changing the password needs `currentPassword` (when one is set) and signs
out every other device. Avatars are typed from their bytes (PNG, JPEG, WebP, GIF), refused
above `AVATAR_MAX_BYTES` or `IMAGE_MAX_PIXELS`, re-encoded (which drops EXIF, GPS and anything
appended to the file) and scaled to `AVATAR_MAX_SIDE`. A user id may be any id an Express
server gave that person, after the legacy import.

`DELETE /users/me` deletes the account, confirmed by the password (or, without one, a code
from `POST /auth/send-otp-login`): profile, phone, email, password, sessions, push
registrations, contacts, blocks, requests and uploaded files are erased, every device is
signed out and closed (`account_deleted`), the person's messages in others' chats become
tombstones, and they appear as "Deleted account" (`user_deleted` to the people who shared a
chat with them). The phone number can register again as a new person. With
`ACCOUNT_DELETION_GRACE_DAYS` the erasure waits that long (`status: scheduled`, `deleteAt`)
and signing in meanwhile cancels it. `GET /users/me/export` is everything stored about the
caller, as a zip; one whose files exceed `EXPORT_INLINE_MAX_BYTES` is built by a job (202
`{jobId}`), polled at `GET /users/me/export/<jobId>` until `url` (the zip) is there.

Privacy (`GET/PATCH /users/me/settings`): `lastSeen` and `onlineStatus` (everyone, contacts,
nobody) and `profilePhoto` (everyone, contacts) decide who sees them, where "contacts" are the
people in the user's synced address book; everywhere a profile or presence appears (profiles,
conversations, search, calls, requests, `presence` and `user-status-changed` events) hides
the rest. With `readReceipts` off, others see at most "delivered" from the user (`status`,
`readUpTo`, `read_up_to` events become `delivered`), and the user sees no one's read state.
`previewsInPush` is the same setting as `pushPreviews`.
"""
from apifairy import authenticate, other_responses, response
from flask import Blueprint, send_file

from backend2.middlewares.auth import current_auth, current_user, token_auth
from backend2.middlewares.validation import file_body, json_body, query_args
from backend2.schemas.common import NoticeSchema
from backend2.schemas.uploads import UploadSchema
from backend2.schemas.users import (
    AccountDeletionResultSchema,
    AccountDeletionSchema,
    BlockedListSchema,
    ExportJobSchema,
    PrivacySettingsInputSchema,
    PrivacySettingsSchema,
    ProfileUpdateSchema,
    PublicUserSchema,
    UserListSchema,
    UserSchema,
    UserSearchQuerySchema,
)
from backend2.services.accounts import account_deletion, account_export, own_profile
from backend2.services.people import blocks, directory, presenter

users_bp = Blueprint("users", __name__, url_prefix="/users")


@users_bp.get("")
@authenticate(token_auth)
@query_args(UserSearchQuerySchema)
@response(UserListSchema)
def search(query):
    """Find other users by name or phone (blocked users are left out both ways)"""
    found, pagination = directory.search_users(current_user(), query["q"], query["page"], query["limit"])
    return {"users": presenter.present_people(current_user(), found), "pagination": pagination}


@users_bp.get("/profile")
@users_bp.get("/me")
@authenticate(token_auth)
@response(UserSchema)
def profile():
    """The signed-in user's own profile"""
    return presenter.present_self(current_user())


@users_bp.get("/me/settings")
@authenticate(token_auth)
@response(PrivacySettingsSchema)
def settings():
    """The caller's privacy settings"""
    return own_profile.settings_of(current_user())


@users_bp.patch("/me/settings")
@authenticate(token_auth)
@json_body(PrivacySettingsInputSchema)
@response(PrivacySettingsSchema)
def update_settings(changes):
    """Change privacy settings: who sees last seen, online status and profile photo (everyone,
    contacts, nobody), read receipts, previews in pushes, requests from strangers"""
    return own_profile.update_settings(current_user(), changes)


@users_bp.delete("/me")
@authenticate(token_auth)
@json_body(AccountDeletionSchema)
@response(AccountDeletionResultSchema)
@other_responses({400: "Wrong or missing password or code"})
def delete_account(data):
    """Delete the caller's account, for good"""
    return account_deletion.request_deletion(current_auth(), data)


@users_bp.get("/me/export")
@authenticate(token_auth)
@other_responses({200: "A zip: backend2-export.json and the caller's files under files/",
                  202: (ExportJobSchema, "Too large to answer at once: a job; ask GET /users/me/export/<jobId>")})
def export_account():
    """Everything stored about the caller, as a zip"""
    kind, result = account_export.export_now_or_later(current_user())
    if kind == "job":
        return ExportJobSchema().dump(result), 202
    return send_file(result, mimetype="application/zip", as_attachment=True,
                     download_name="backend2-export.zip")


@users_bp.get("/me/export/<job_id>")
@authenticate(token_auth)
@response(ExportJobSchema)
@other_responses({404: "No such export of the caller"})
def export_job(job_id):
    """How a large export is going; `url` is the zip once it is ready"""
    return account_export.export_job(current_user(), job_id)


@users_bp.patch("/me")
@authenticate(token_auth)
@json_body(ProfileUpdateSchema)
@response(UserSchema)
@other_responses({400: "Invalid input or wrong current password", 409: "Email already used"})
def update_profile(changes):
    """Change name, about, email, avatar or password (a new password signs out the other devices)"""
    return presenter.present_self(own_profile.update_profile(current_auth(), changes))


@users_bp.post("/me/avatar")
@authenticate(token_auth)
@file_body(UploadSchema)
@response(UserSchema)
@other_responses({400: "Not an allowed image", 413: "Larger than AVATAR_MAX_BYTES"})
def upload_avatar(upload):
    """Upload a new avatar image (PNG, JPEG, WebP or GIF), stored re-encoded"""
    return presenter.present_self(own_profile.set_avatar(current_user(), upload["file"]))


@users_bp.get("/blocked")
@authenticate(token_auth)
@response(BlockedListSchema)
def list_blocked():
    """The users the caller has blocked"""
    return {"users": presenter.present_people(current_user(), blocks.blocked_users(current_user()))}


@users_bp.get("/<user_id>")
@authenticate(token_auth)
@response(PublicUserSchema)
@other_responses({404: "Unknown or blocked user"})
def public_profile(user_id):
    """Another user's public profile"""
    return presenter.present_person(current_user(), directory.visible_user(current_user(), user_id))


@users_bp.post("/<user_id>/block")
@authenticate(token_auth)
@response(NoticeSchema)
@other_responses({404: "Unknown user"})
def block(user_id):
    """Block a user: neither of you can find, request or message the other"""
    me = current_user()
    blocks.block(me, directory.visible_user(me, user_id))
    return {"message": "User blocked"}


@users_bp.delete("/<user_id>/block")
@authenticate(token_auth)
@response(NoticeSchema)
@other_responses({404: "Not a user id"})
def unblock(user_id):
    """Unblock a user"""
    blocks.unblock(current_user(), directory.user_id_or_404(user_id))
    return {"message": "User unblocked"}
