"""People and the signed-in user's profile and settings.

The people schemas dump only what `services/people/presenter.py` presented for a viewer (a `PersonView`):
handed a stored user, they raise, so no route or event can show a person without the viewer.
"""
from marshmallow import fields, pre_dump, validate

from backend2.extensions import ma
from backend2.schemas.auth_fields import validate_password
from backend2.schemas.common import (
    InputSchema,
    MediaLink,
    PageQuerySchema,
    PaginationSchema,
    Timestamp,
    display_name_field,
    id_fields,
    url_field,
)
from backend2.utils.user_settings import FLAG, PRIVACY_SETTINGS, PROFILE_SETTINGS
from backend2.utils.views import OwnProfileView, PersonView


def _presented_as(kind):
    def refuse_unpresented(self, person, **kwargs):
        if not isinstance(person, kind):
            raise TypeError(f"{type(self).__name__} dumps a {kind.__name__} (services/people/presenter.py presents people "
                            f"for a viewer), not a {type(person).__name__}")
        return person
    return pre_dump(refuse_unpresented)


class PublicUserSchema(ma.Schema.from_dict(id_fields())):
    """What any signed-in user may see of another."""

    name = fields.String()
    avatar = MediaLink(allow_none=True)
    avatarUrl = MediaLink(attribute="avatar", allow_none=True, dump_only=True)
    about = fields.String()
    lastSeen = Timestamp(attribute="last_seen", allow_none=True)
    online = fields.Boolean(metadata={"description": "a device of theirs is connected now"})

    refuse_unpresented = _presented_as(PersonView)


def _setting_field(setting, required=False, **options):
    """A setting's field, read from and loaded into its stored name."""
    if setting.values == FLAG:
        return fields.Boolean(attribute=setting.field, truthy={True}, falsy={False}, required=required,
                              metadata={"description": setting.description}, **options)
    return fields.String(attribute=setting.field, validate=validate.OneOf(setting.values), required=required,
                         metadata={"description": setting.description}, **options)


def _profile_settings():
    return {setting.profile_name: _setting_field(setting) for setting in PROFILE_SETTINGS}


class UserSchema(PublicUserSchema.from_dict(_profile_settings(), name="OwnProfileBase")):
    """The signed-in user's own profile."""

    phone = fields.String()
    email = fields.String(allow_none=True)
    createdAt = Timestamp(attribute="created_at")
    updatedAt = Timestamp(attribute="updated_at")

    refuse_unpresented = _presented_as(OwnProfileView)


class UserSearchQuerySchema(PageQuerySchema):
    q = fields.String(load_default="", validate=validate.Length(max=64))


class UserListSchema(ma.Schema):
    users = fields.List(fields.Nested(PublicUserSchema))
    pagination = fields.Nested(PaginationSchema)


class BlockedListSchema(ma.Schema):
    users = fields.List(fields.Nested(PublicUserSchema))


def _privacy_settings(required):
    return {setting.privacy_name: _setting_field(setting, required) for setting in PRIVACY_SETTINGS}


class PrivacySettingsInputSchema(InputSchema.from_dict(_privacy_settings(required=False))):
    """Any of the settings; the others stay as they are."""


PrivacySettingsSchema = ma.Schema.from_dict(_privacy_settings(required=True), name="PrivacySettingsSchema")


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


class ProfileUpdateSchema(InputSchema.from_dict(_profile_settings(), name="ProfileUpdateBase")):
    ALIASES = {"avatarUrl": "avatar"}
    name = display_name_field(80)
    about = fields.String(validate=validate.Length(max=500))
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    avatar = url_field()
    password = fields.String(validate=validate_password)
    currentPassword = fields.String(validate=validate.Length(max=1024))
