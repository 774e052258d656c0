"""Presence queries: who of these users is online now."""
from marshmallow import fields, validate

from backend2.schemas.common import InputSchema, Timestamp, object_id_field
from backend2.extensions import ma
from backend2.services import presence
from backend2.sockets.handling import socket_event


class PresenceQuerySchema(InputSchema):
    userIds = fields.List(object_id_field(), required=True, validate=validate.Length(min=1, max=500))


class PresenceSchema(ma.Schema):
    userId = fields.String()
    online = fields.Boolean()
    lastSeen = Timestamp(allow_none=True)


_presence_schema = PresenceSchema(many=True)


@socket_event("presence", PresenceQuerySchema)
def who_is_online(user, data):
    return {"users": _presence_schema.dump(presence.presence_of(user, data["userIds"]))}
