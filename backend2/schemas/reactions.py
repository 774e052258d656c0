from marshmallow import fields, validate

from backend2.schemas.common import InputSchema, object_id_field

# Shape only; services/messages/reactions.py checks that it is exactly one emoji.
emoji_field = fields.String(required=True, validate=validate.Length(min=1, max=64))


class ReactionInputSchema(InputSchema):
    ALIASES = {"reaction": "emoji"}
    emoji = emoji_field


class SocketReactionSchema(ReactionInputSchema):
    """The socket's `reaction`: {messageId, emoji, action: add|remove}."""

    ALIASES = {**ReactionInputSchema.ALIASES, "id": "messageId"}
    messageId = object_id_field(required=True)
    action = fields.String(load_default="add", validate=validate.OneOf(("add", "remove")))
