"""JSON for socket events, made by the same schemas as REST responses."""
from backend2.schemas.conversations import ConversationSettingsSchema, PinnedMessageSchema
from backend2.schemas.messages import MessageSchema
from backend2.schemas.users import ExportJobSchema, PublicUserSchema
from backend2.services.messages.message_views import present_one, viewer_fields

_message_schema = MessageSchema()
_viewer_schema = MessageSchema(only=("mentionsMe", "reactions"))
_public_user_schema = PublicUserSchema()
_settings_schema = ConversationSettingsSchema()
_pins_schema = PinnedMessageSchema(many=True)
_export_schema = ExportJobSchema()


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
        presented = present_one(viewer_id, message, conversation)
        made[key] = _message_schema.dump(presented)
    return made[key]


def viewer_json(message, viewer_id):
    """The fields of the message JSON that differ from one recipient to another."""
    return _viewer_schema.dump(viewer_fields(message, viewer_id))


def settings_json(settings):
    return _settings_schema.dump(settings)


def pins_json(conversation):
    return _pins_schema.dump(conversation.pins)


def export_json(job_id, url):
    """A ready export, as GET /users/me/export/<jobId> answers it (its link signed)."""
    return _export_schema.dump({"jobId": job_id, "status": "ready", "url": url})
