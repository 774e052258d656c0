from marshmallow import fields, validate

from backend2.extensions import ma
from backend2.schemas.common import InputSchema, ObjectIdString, Timestamp, id_fields, object_id_field
from backend2.schemas.users import PublicUserSchema


class ChatRequestCreateSchema(InputSchema):
    ALIASES = {"userId": "to"}
    to = object_id_field(required=True)
    message = fields.String(load_default="", validate=validate.Length(max=500))


class ChatRequestQuerySchema(InputSchema):
    direction = fields.String(load_default="all", validate=validate.OneOf(("incoming", "outgoing", "all")))
    status = fields.String(load_default="pending",
                           validate=validate.OneOf(("pending", "accepted", "rejected", "cancelled")))


class ChatRequestSchema(ma.Schema.from_dict(id_fields())):
    sender = ObjectIdString()
    from_ = ObjectIdString(attribute="sender", data_key="from", dump_only=True)
    to = ObjectIdString()
    message = fields.String()
    status = fields.String()
    direction = fields.String()
    user = fields.Nested(PublicUserSchema, attribute="other_user")
    conversationId = ObjectIdString(attribute="conversation", allow_none=True)
    createdAt = Timestamp(attribute="created_at")
    updatedAt = Timestamp(attribute="updated_at")
    respondedAt = Timestamp(attribute="responded_at", allow_none=True)


class ChatRequestListSchema(ma.Schema):
    requests = fields.List(fields.Nested(ChatRequestSchema))
