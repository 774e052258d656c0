"""Typing indicators (socket only)."""
from backend2.schemas.common import InputSchema, object_id_field


class TypingSchema(InputSchema):
    ALIASES = {"conversation": "conversationId"}
    conversationId = object_id_field(required=True)
