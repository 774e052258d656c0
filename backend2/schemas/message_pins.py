from marshmallow import fields

from backend2.extensions import ma
from backend2.schemas.common import InputSchema, ObjectIdString, object_id_field
from backend2.schemas.conversations import PinnedMessageSchema
from backend2.schemas.messages import MessageSchema


class SocketPinSchema(InputSchema):
    ALIASES = {"id": "messageId"}
    messageId = object_id_field(required=True)


class PinsSchema(ma.Schema):
    conversationId = ObjectIdString(attribute="id")
    pins = fields.List(fields.Nested(PinnedMessageSchema))


class PinnedMessagesSchema(ma.Schema):
    messages = fields.List(fields.Nested(MessageSchema), metadata={"description": "oldest pin first"})
