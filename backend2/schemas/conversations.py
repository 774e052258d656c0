from flask import current_app
from marshmallow import ValidationError, fields, post_dump, validate

from backend2.extensions import ma
from backend2.schemas.common import (
    InputSchema,
    MediaLink,
    ObjectIdString,
    PageQuerySchema,
    PaginationSchema,
    Timestamp,
    display_name_field,
    id_fields,
    object_id_field,
    url_field,
)
from backend2.schemas.messages import MessageSchema
from backend2.schemas.users import PublicUserSchema
from backend2.utils.time import FOREVER, parse_iso


class ConversationCreateSchema(InputSchema):
    ALIASES = {"members": "participants", "avatarUrl": "avatar"}
    participants = fields.List(fields.String(validate=validate.Length(max=64)), required=True,
                               validate=validate.Length(min=1, max=1000))
    type = fields.String(validate=validate.OneOf(("direct", "group")))
    name = fields.String(validate=validate.Length(max=100))
    avatar = url_field()
    description = fields.String(validate=validate.Length(max=2000))


DISAPPEARING_MAX_SECONDS = 90 * 86400


def validate_disappearing(value):
    """Off (0 or null), or DISAPPEARING_MIN_SECONDS to 90 days."""
    minimum = current_app.config["DISAPPEARING_MIN_SECONDS"]
    if value and not minimum <= value <= DISAPPEARING_MAX_SECONDS:
        raise ValidationError(f"0 or null (off), or {minimum} to {DISAPPEARING_MAX_SECONDS} seconds")


class GroupUpdateSchema(InputSchema):
    """A group's settings (admins), or the disappearing-message timer of any chat."""

    ALIASES = {"avatarUrl": "avatar", "disappearing_seconds": "disappearingSeconds"}
    name = display_name_field(100)
    avatar = url_field()
    description = fields.String(allow_none=True, validate=validate.Length(max=2000))
    onlyAdminsCanSend = fields.Boolean(truthy={True}, falsy={False}, metadata={"description": "an announcement group"})
    onlyAdminsCanPin = fields.Boolean(truthy={True}, falsy={False})
    disappearingSeconds = fields.Integer(
        strict=True, allow_none=True, validate=validate_disappearing,
        metadata={"description": "messages sent from now on disappear this many seconds after sending (usually "
                                 "86400, 604800 or 7776000); 0 or null turns it off. Either person of a direct "
                                 "chat, the admins of a group"})


class MembersInputSchema(InputSchema):
    ALIASES = {"members": "userIds", "participants": "userIds"}
    userIds = fields.List(object_id_field(), required=True, validate=validate.Length(min=1, max=1000))


class MutedUntil(fields.String):
    """An ISO 8601 time, "forever", or null (not muted)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "forever":
            return FOREVER
        moment = parse_iso(value)
        if moment is None:
            raise ValidationError('An ISO 8601 time, "forever" or null.')
        return moment


def strict_boolean(**kwargs):
    return fields.Boolean(truthy={True}, falsy={False}, **kwargs)


class ConversationSettingsInputSchema(InputSchema):
    mutedUntil = MutedUntil(allow_none=True)
    archived = strict_boolean()
    pinned = strict_boolean(metadata={"description": "pin to the top of the caller's list"})
    markedUnread = strict_boolean()
    clearHistory = strict_boolean(metadata={"description": "true: hide everything up to now, for the caller only"})


class ConversationSettingsSchema(ma.Schema):
    conversationId = ObjectIdString()
    mutedUntil = Timestamp(allow_none=True, metadata={"description": "9999-12-31T23:59:59.999Z: forever"})
    muted = fields.Boolean()
    archived = fields.Boolean()
    pinned = fields.Boolean()
    pinnedAt = Timestamp(allow_none=True)
    markedUnread = fields.Boolean()
    clearedAt = Timestamp(allow_none=True, metadata={"description": "the caller's history before this is cleared"})


class ConversationListQuerySchema(PageQuerySchema):
    archived = fields.Boolean(metadata={"description": "false: leave archived chats out; true: only those"})


class PinnedMessageSchema(ma.Schema):
    messageId = ObjectIdString(attribute="message")
    pinnedBy = ObjectIdString(attribute="pinned_by")
    pinnedAt = Timestamp(attribute="pinned_at")


class ConversationSchema(ma.Schema.from_dict(id_fields())):
    type = fields.String()
    participants = fields.List(fields.Nested(PublicUserSchema), attribute="people")
    # The same list under the desktop app's name: copied after the dump, not dumped twice.
    members = fields.List(fields.Nested(PublicUserSchema), attribute="members_of_participants", dump_only=True)
    participantKey = fields.String(attribute="participant_key", allow_none=True)
    name = fields.String(allow_none=True)
    avatar = MediaLink(allow_none=True)
    avatarUrl = MediaLink(attribute="avatar", allow_none=True, dump_only=True)
    admins = fields.List(ObjectIdString())
    createdBy = ObjectIdString(attribute="created_by", allow_none=True)
    lastMessage = fields.Nested(MessageSchema, attribute="last_message_view", dump_default=None, allow_none=True)
    description = fields.String(allow_none=True)
    onlyAdminsCanSend = fields.Boolean(attribute="only_admins_can_send")
    onlyAdminsCanPin = fields.Boolean(attribute="only_admins_can_pin")
    pins = fields.List(fields.Nested(PinnedMessageSchema), metadata={"description": "pinned messages, oldest first"})
    disappearingSeconds = fields.Integer(attribute="disappearing_seconds", allow_none=True, dump_default=None,
                                         metadata={"description": "the disappearing-message timer; null: off"})
    disappearing_seconds = fields.Integer(allow_none=True, dump_default=None, dump_only=True)
    unreadCount = fields.Integer(attribute="unread_count", dump_default=0)
    unreadMentions = fields.Integer(attribute="unread_mentions", dump_default=0,
                                    metadata={"description": "unread messages that mention the caller"})
    mutedUntil = Timestamp(attribute="own_settings.mutedUntil", allow_none=True, dump_default=None)
    muted = fields.Boolean(attribute="own_settings.muted", dump_default=False)
    archived = fields.Boolean(attribute="own_settings.archived", dump_default=False)
    pinned = fields.Boolean(attribute="own_settings.pinned", dump_default=False)
    markedUnread = fields.Boolean(attribute="own_settings.markedUnread", dump_default=False)
    clearedAt = Timestamp(attribute="own_settings.clearedAt", allow_none=True, dump_default=None)
    deliveredUpTo = fields.Dict(keys=fields.String(), values=Timestamp(), attribute="delivered_up_to")
    readUpTo = fields.Dict(keys=fields.String(), values=Timestamp(), attribute="read_up_to")
    createdAt = Timestamp(attribute="created_at")
    updatedAt = Timestamp(attribute="updated_at")

    @post_dump
    def members_are_participants(self, data, **kwargs):
        data["members"] = data.get("participants", [])
        return data


class ConversationListSchema(ma.Schema):
    conversations = fields.List(fields.Nested(ConversationSchema))
    pagination = fields.Nested(PaginationSchema)
