"""Receipts: moving a delivered or read cursor (REST and socket), and the cursors as sent back."""
from marshmallow import fields, validate

from backend2.extensions import ma
from backend2.schemas.common import InputSchema, ObjectIdString, Timestamp, object_id_field


class ReceiptInputSchema(InputSchema):
    upTo = fields.String(allow_none=True, validate=validate.Length(max=40))


class SocketReceiptSchema(ReceiptInputSchema):
    """The socket's `delivered` / `read_up_to`: the conversation REST takes from the path."""

    ALIASES = {"conversation": "conversationId"}
    conversationId = object_id_field(required=True)


class ReceiptSchema(ma.Schema):
    conversationId = fields.String()
    userId = fields.String()
    upTo = Timestamp()
    deliveredUpTo = Timestamp(allow_none=True)
    readUpTo = Timestamp(allow_none=True)
    moved = fields.Boolean()


class ReceiptCursorsSchema(ma.Schema):
    conversationId = ObjectIdString()
    deliveredUpTo = fields.Dict(keys=fields.String(), values=Timestamp())
    readUpTo = fields.Dict(keys=fields.String(), values=Timestamp())
