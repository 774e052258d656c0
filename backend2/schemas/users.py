from marshmallow import fields

from backend2.extensions import ma
from backend2.schemas.common import Timestamp, id_fields


class PublicUserSchema(ma.Schema.from_dict(id_fields())):
    """What any signed-in user may see of another."""

    name = fields.String()
    avatar = fields.String(allow_none=True)
    avatarUrl = fields.String(attribute="avatar", allow_none=True, dump_only=True)
    about = fields.String()
    lastSeen = Timestamp(attribute="last_seen", allow_none=True)


class UserSchema(PublicUserSchema):
    """The signed-in user's own profile."""

    phone = fields.String()
    email = fields.String(allow_none=True)
    createdAt = Timestamp(attribute="created_at")
    updatedAt = Timestamp(attribute="updated_at")
