"""Presence queries (socket only): who of these users is online now."""
from marshmallow import fields, validate

from backend2.extensions import ma
from backend2.schemas.common import InputSchema, Timestamp, object_id_field


class PresenceQuerySchema(InputSchema):
    userIds = fields.List(object_id_field(), required=True, validate=validate.Length(min=1, max=500))


class PresenceSchema(ma.Schema):
    userId = fields.String()
    online = fields.Boolean()
    lastSeen = Timestamp(allow_none=True)
