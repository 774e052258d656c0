"""JSON for socket events, made by the same schemas as REST responses."""
from backend2.schemas.messages import MessageSchema
from backend2.services.message_views import present_messages

_message_schema = MessageSchema()


def message_json(viewer_id, message, conversation):
    """The message as `viewer_id` sees it (status only on the sender's copy)."""
    presented = present_messages(viewer_id, [message], {conversation.id: conversation})[0]
    return _message_schema.dump(presented)
