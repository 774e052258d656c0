from marshmallow import fields, validate

from backend2.extensions import ma
from backend2.schemas.auth_fields import validate_password
from backend2.schemas.common import (
    InputSchema, MediaLink, PageQuerySchema, PaginationSchema, Timestamp, display_name_field, id_fields, url_field,
)


class PublicUserSchema(ma.Schema.from_dict(id_fields())):
    """What any signed-in user may see of another."""

    name = fields.String()
    avatar = MediaLink(allow_none=True)
    avatarUrl = MediaLink(attribute="avatar", allow_none=True, dump_only=True)
    about = fields.String()
    lastSeen = Timestamp(attribute="last_seen", allow_none=True)
    online = fields.Boolean(metadata={"description": "a device of theirs is connected now"})


class UserSchema(PublicUserSchema):
    """The signed-in user's own profile."""

    phone = fields.String()
    email = fields.String(allow_none=True)
    pushPreviews = fields.Boolean(attribute="push_previews",
                                  metadata={"description": "pushes show the sender and text; else only 'New message'"})
    badgeIncludesMuted = fields.Boolean(attribute="badge_includes_muted",
                                        metadata={"description": "the badge counts muted chats' unread messages"})
    mentionsBypassMute = fields.Boolean(attribute="mentions_bypass_mute",
                                        metadata={"description": "a mention in a muted group still pushes"})
    requestsFromStrangers = fields.Boolean(attribute="requests_from_strangers",
                                           metadata={"description": "false: chat requests only from my contacts"})
    createdAt = Timestamp(attribute="created_at")
    updatedAt = Timestamp(attribute="updated_at")


class UserSearchQuerySchema(PageQuerySchema):
    q = fields.String(load_default="", validate=validate.Length(max=64))


class UserListSchema(ma.Schema):
    users = fields.List(fields.Nested(PublicUserSchema))
    pagination = fields.Nested(PaginationSchema)


class BlockedListSchema(ma.Schema):
    users = fields.List(fields.Nested(PublicUserSchema))


def _privacy_fields(required):
    audience = ("everyone", "contacts", "nobody")
    flag = {"truthy": {True}, "falsy": {False}, "required": required}
    return {
        "lastSeen": fields.String(validate=validate.OneOf(audience), required=required),
        "onlineStatus": fields.String(validate=validate.OneOf(audience), required=required),
        "profilePhoto": fields.String(validate=validate.OneOf(audience[:2]), required=required),
        "readReceipts": fields.Boolean(**flag),
        "previewsInPush": fields.Boolean(**flag),
        "requestsFromStrangers": fields.Boolean(**flag),
    }


class PrivacySettingsInputSchema(InputSchema.from_dict(_privacy_fields(required=False))):
    """Any of the settings; the others stay as they are."""


PrivacySettingsSchema = ma.Schema.from_dict(_privacy_fields(required=True), name="PrivacySettingsSchema")


class ExportJobSchema(ma.Schema):
    jobId = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["pending", "ready", "failed"]})
    url = MediaLink(allow_none=True, metadata={"description": "the zip, once ready: a signed link"})


class AccountDeletionSchema(InputSchema):
    ALIASES = {"code": "otp", "currentPassword": "password"}
    password = fields.String(validate=validate.Length(max=1024))
    otp = fields.String(validate=validate.Regexp(r"^\d{6}$", error="Six digits."))


class AccountDeletionResultSchema(ma.Schema):
    status = fields.String(required=True, metadata={"enum": ["deleted", "scheduled"]})
    deleteAt = Timestamp(allow_none=True, metadata={"description": "when a scheduled deletion happens"})


class ProfileUpdateSchema(InputSchema):
    ALIASES = {"avatarUrl": "avatar"}
    name = display_name_field(80)
    about = fields.String(validate=validate.Length(max=500))
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    avatar = url_field()
    password = fields.String(validate=validate_password)
    currentPassword = fields.String(validate=validate.Length(max=1024))
    pushPreviews = fields.Boolean(truthy={True}, falsy={False})
    badgeIncludesMuted = fields.Boolean(truthy={True}, falsy={False})
    mentionsBypassMute = fields.Boolean(truthy={True}, falsy={False})
    requestsFromStrangers = fields.Boolean(truthy={True}, falsy={False})
