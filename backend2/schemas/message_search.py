from marshmallow import fields, validate

from backend2.extensions import ma
from backend2.schemas.common import InputSchema, object_id_field
from backend2.schemas.messages import MessagePaginationSchema, MessageSchema


class SearchQuerySchema(InputSchema):
    ALIASES = {"conversation": "conversationId", "sender": "from"}
    q = fields.String(required=True, validate=validate.Length(min=1, max=200))
    conversationId = object_id_field()
    from_ = object_id_field(data_key="from", attribute="from", metadata={"description": "only this sender's"})
    before = object_id_field(metadata={"description": "nextCursor of the last page"})
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class SearchResultsSchema(ma.Schema):
    messages = fields.List(fields.Nested(MessageSchema))
    pagination = fields.Nested(MessagePaginationSchema)
