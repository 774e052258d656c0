from flask import current_app
from marshmallow import ValidationError, fields, validate

from backend2.extensions import ma
from backend2.schemas.common import InputSchema, ObjectIdString, object_id_field
from backend2.schemas.messages import MessageSchema


def validate_target_count(value):
    maximum = current_app.config["FORWARD_MAX_TARGETS"]
    if len(value) > maximum:
        raise ValidationError(f"At most {maximum} conversations")


class ForwardInputSchema(InputSchema):
    ALIASES = {"conversations": "conversationIds"}
    conversationIds = fields.List(object_id_field(), required=True,
                                  validate=[validate.Length(min=1), validate_target_count])


class SocketForwardSchema(ForwardInputSchema):
    ALIASES = {**ForwardInputSchema.ALIASES, "id": "messageId"}
    messageId = object_id_field(required=True)


class ForwardErrorSchema(ma.Schema):
    code = fields.String()
    message = fields.String()


class ForwardResultSchema(ma.Schema):
    conversationId = ObjectIdString()
    ok = fields.Boolean()
    message = fields.Nested(MessageSchema, allow_none=True, metadata={"description": "the copy, when ok"})
    error = fields.Nested(ForwardErrorSchema, allow_none=True, metadata={"description": "why not, when not ok"})


class ForwardResultsSchema(ma.Schema):
    results = fields.List(fields.Nested(ForwardResultSchema), metadata={"description": "one per target, in order"})
