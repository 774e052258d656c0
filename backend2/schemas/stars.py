from marshmallow import fields, validate

from backend2.extensions import ma
from backend2.schemas.common import InputSchema, ObjectIdString, Timestamp, object_id_field
from backend2.schemas.messages import MessagePaginationSchema, MessageSchema


class StarSchema(ma.Schema):
    messageId = ObjectIdString()
    starred = fields.Boolean()


class StarredQuerySchema(InputSchema):
    before = object_id_field(metadata={"description": "nextCursor of the last page"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))


class StarredMessageSchema(MessageSchema):
    starredAt = Timestamp(attribute="starred_at")


class StarredListSchema(ma.Schema):
    messages = fields.List(fields.Nested(StarredMessageSchema))
    pagination = fields.Nested(MessagePaginationSchema)
