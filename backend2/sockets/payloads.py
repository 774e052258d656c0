"""JSON for socket events, made by the same schemas as REST responses."""
from backend2.schemas.messages import MessageSchema
from backend2.schemas.users import PublicUserSchema
from backend2.services.message_views import present_messages

_message_schema = MessageSchema()
_public_user_schema = PublicUserSchema()


def public_user_json(user):
    return _public_user_schema.dump(user)


def message_json(viewer_id, message, conversation):
    """The message as `viewer_id` sees it (status only on the sender's copy).

    Kept on the message object per viewer and version, so the sender's ack and the broadcast
    that the same send causes serialise it once.
    """
    made = message.__dict__.setdefault("_json_by_viewer", {})
    key = (viewer_id, message.updated_at)
    if key not in made:
        presented = present_messages(viewer_id, [message], {conversation.id: conversation})[0]
        made[key] = _message_schema.dump(presented)
    return made[key]
