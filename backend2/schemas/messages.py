from flask import current_app
from marshmallow import ValidationError, fields, validate, validates_schema

from backend2.extensions import ma
from backend2.schemas.common import (
    InputSchema, MediaLink, ObjectIdString, PresentedReading, Timestamp, id_fields, object_id_field,
)
from backend2.schemas.receipts import ReceiptCursorsSchema

MESSAGE_TYPES = ("text", "image", "file", "audio", "video", "location", "contact")
MAX_MENTIONS = 50


def validate_text_length(value):
    maximum = current_app.config["MESSAGE_MAX_CHARS"]
    if len(value) > maximum:
        raise ValidationError(f"At most {maximum} characters")


class AttachmentInputSchema(InputSchema):
    url = fields.String(required=True, validate=validate.Length(min=1, max=2048))
    name = fields.String(validate=validate.Length(max=200))
    size = fields.Integer()
    mimeType = fields.String(validate=validate.Length(max=200))
    width = fields.Integer()
    height = fields.Integer()
    thumbnailUrl = fields.String(allow_none=True, validate=validate.Length(max=2048))
    durationMs = fields.Integer(allow_none=True)


class LocationSchema(InputSchema):
    latitude = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    longitude = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    name = fields.String(validate=validate.Length(max=200))
    address = fields.String(validate=validate.Length(max=500))


class SharedContactSchema(InputSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    phone = fields.String(required=True, validate=validate.Length(min=1, max=40))


class LinkPreviewInputSchema(InputSchema):
    """A preview the sender's app made itself; `image` is one of this server's uploads."""

    ALIASES = {"site_name": "siteName"}
    url = fields.String(required=True, validate=[validate.Length(max=2048), validate.URL(schemes={"http", "https"})])
    title = fields.String(allow_none=True, validate=validate.Length(max=300))
    description = fields.String(allow_none=True, validate=validate.Length(max=1000))
    siteName = fields.String(allow_none=True, validate=validate.Length(max=200))
    image = fields.String(allow_none=True, validate=validate.Length(max=2048))


class MessageSendSchema(InputSchema):
    """Desktop: {conversationId or conversation, text or content}; mobile: {to, text, from?}."""

    ALIASES = {"conversation": "conversationId", "content": "text", "link_preview": "linkPreview",
               "no_preview": "noPreview"}
    conversationId = object_id_field()
    to = object_id_field()
    from_ = object_id_field(data_key="from", attribute="from")
    text = fields.String(load_default="", validate=validate_text_length)
    type = fields.String(validate=validate.OneOf(MESSAGE_TYPES))
    attachments = fields.List(fields.Nested(AttachmentInputSchema), load_default=list,
                              validate=validate.Length(max=10))
    location = fields.Nested(LocationSchema)
    contact = fields.Nested(SharedContactSchema)
    replyTo = object_id_field(allow_none=True)
    mentions = fields.List(object_id_field(), load_default=list, validate=validate.Length(max=MAX_MENTIONS))
    clientId = fields.String(validate=validate.Length(min=1, max=100))
    linkPreview = fields.Nested(LinkPreviewInputSchema, allow_none=True,
                                metadata={"description": "the app's own preview of the first link"})
    noPreview = fields.Boolean(truthy={True}, falsy={False}, metadata={"description": "true: no link preview"})

    @validates_schema
    def conversation_or_recipient(self, data, **kwargs):
        if ("conversationId" in data) == ("to" in data):
            raise ValidationError("Give either 'conversationId' or 'to'", "conversationId")
        if data.get("linkPreview") and data.get("noPreview"):
            raise ValidationError("Give either 'linkPreview' or 'noPreview'", "noPreview")


class MessageEditSchema(InputSchema):
    ALIASES = {"content": "text"}
    text = fields.String(required=True, validate=validate_text_length)


class MessageDeleteQuerySchema(InputSchema):
    scope = fields.String(load_default="everyone", validate=validate.OneOf(("everyone", "me")))


class SocketEditSchema(MessageEditSchema):
    """The socket's `message_edited`: REST puts the id in the path, the payload carries it."""

    id = object_id_field(required=True)


class SocketDeleteSchema(MessageDeleteQuerySchema):
    """The socket's `message_deleted`: the id and scope REST takes from the path and query."""

    id = object_id_field(required=True)


class MessageListQuerySchema(InputSchema):
    ALIASES = {"conversation": "conversationId"}
    conversationId = object_id_field(required=True)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))
    before = fields.String(validate=validate.Length(max=40))
    after = fields.String(validate=validate.Length(max=40))
    page = fields.Integer(validate=validate.Range(min=1, max=100_000))

    @validates_schema
    def one_way_of_paging(self, data, **kwargs):
        if sum(key in data for key in ("before", "after", "page")) > 1:
            raise ValidationError("Use only one of 'before', 'after' and 'page'", "before")


class SyncQuerySchema(InputSchema):
    since = fields.String(validate=validate.Length(max=64))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class AttachmentSchema(ma.Schema):
    url = MediaLink()
    name = fields.String()
    size = fields.Integer(allow_none=True)
    mimeType = fields.String(attribute="mime_type", allow_none=True)
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)
    thumbnailUrl = MediaLink(attribute="thumbnail_url", allow_none=True)
    durationMs = fields.Integer(attribute="duration_ms", allow_none=True, metadata={"description": "audio and video"})


class LinkPreviewSchema(ma.Schema):
    url = fields.String()
    title = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    siteName = fields.String(allow_none=True)
    site_name = fields.String(attribute="siteName", allow_none=True, dump_only=True)
    image = MediaLink(allow_none=True, metadata={"description": "stored here, re-encoded: a signed link"})
    fetchedAt = Timestamp()
    fetched_at = Timestamp(attribute="fetchedAt", dump_only=True)


class ReplyPreviewSchema(ma.Schema.from_dict(id_fields())):
    sender = ObjectIdString()
    from_ = ObjectIdString(attribute="sender", data_key="from", dump_only=True)
    text = fields.String()
    content = fields.String(attribute="text", dump_only=True)
    type = fields.String()
    deleted = fields.Boolean()


class ReactionSchema(ma.Schema):
    emoji = fields.String()
    count = fields.Integer()
    userIds = fields.List(ObjectIdString(), attribute="user_ids", metadata={"description": "the first few who reacted"})
    mine = fields.Boolean(metadata={"description": "the viewer reacted with this emoji"})


class SystemEntrySchema(ma.Schema):
    action = fields.String(metadata={"enum": ["group_created", "members_added", "member_removed", "member_left",
                                              "member_joined", "admin_added", "admin_removed", "group_updated",
                                              "disappearing_changed"]})
    actorId = ObjectIdString()
    userIds = fields.List(ObjectIdString())
    changes = fields.List(fields.String(), metadata={"description": "group_updated: the fields that changed"})
    disappearingSeconds = fields.Integer(allow_none=True, metadata={"description": "disappearing_changed: the timer"})


class MessageSchema(PresentedReading, ma.Schema.from_dict(id_fields())):
    conversation = ObjectIdString()
    conversationId = ObjectIdString(attribute="conversation", dump_only=True)
    sender = ObjectIdString()
    from_ = ObjectIdString(attribute="sender", data_key="from", dump_only=True)
    to = ObjectIdString(attribute="to_user", allow_none=True, dump_default=None)
    text = fields.String()
    content = fields.String(attribute="text", dump_only=True)
    type = fields.String()
    attachments = fields.List(fields.Nested(AttachmentSchema))
    location = fields.Dict(allow_none=True)
    contact = fields.Dict(allow_none=True)
    call = fields.Dict(allow_none=True, metadata={"description": "type 'call': {callId, type, outcome, duration}"})
    replyTo = fields.Nested(ReplyPreviewSchema, attribute="reply_preview", allow_none=True, dump_default=None)
    reactions = fields.List(fields.Nested(ReactionSchema), attribute="reaction_summary", dump_default=list)
    mentions = fields.List(ObjectIdString())
    mentionsMe = fields.Boolean(attribute="mentions_me", dump_default=False)
    forwarded = fields.Boolean()
    forwardCount = fields.Integer(attribute="forward_count", metadata={"description": "hops from the first sender"})
    forwardedManyTimes = fields.Boolean(attribute="forwarded_many_times", dump_default=False)
    system = fields.Nested(SystemEntrySchema, allow_none=True,
                           metadata={"description": "type 'system': a membership or group change"})
    clientId = fields.String(attribute="client_id", allow_none=True)
    status = fields.String(allow_none=True, dump_default=None,
                           metadata={"enum": ["sent", "delivered", "read"], "description": "sender's copy only"})
    createdAt = Timestamp(attribute="created_at")
    updatedAt = Timestamp(attribute="updated_at")
    editedAt = Timestamp(attribute="edited_at", allow_none=True)
    deleted = fields.Boolean()
    deletedAt = Timestamp(attribute="deleted_at", allow_none=True)
    expiresAt = Timestamp(attribute="expires_at", allow_none=True, dump_default=None,
                          metadata={"description": "a disappearing message: when it goes for everyone"})
    expires_at = Timestamp(allow_none=True, dump_default=None, dump_only=True)
    linkPreview = fields.Nested(LinkPreviewSchema, attribute="link_preview", allow_none=True, dump_default=None,
                                metadata={"description": "the card of the first link; added later by "
                                                         "message_updated when the server makes it"})
    link_preview = fields.Nested(LinkPreviewSchema, allow_none=True, dump_default=None, dump_only=True)


class MessagePaginationSchema(ma.Schema):
    limit = fields.Integer()
    hasMore = fields.Boolean()
    nextCursor = fields.String(allow_none=True)
    page = fields.Integer()
    total = fields.Integer()


class MessageListSchema(ma.Schema):
    messages = fields.List(fields.Nested(MessageSchema))
    pagination = fields.Nested(MessagePaginationSchema)


class SyncSchema(ma.Schema):
    messages = fields.List(fields.Nested(MessageSchema))
    hidden = fields.List(ObjectIdString(), metadata={"description": "messages the caller deleted for themselves"})
    receipts = fields.List(fields.Nested(ReceiptCursorsSchema))
    hasMore = fields.Boolean()
    nextCursor = fields.String()


class MessageVersionSchema(ma.Schema):
    text = fields.String()
    content = fields.String(attribute="text", dump_only=True)
    editedAt = Timestamp()


class MessageHistorySchema(ma.Schema):
    messageId = ObjectIdString()
    versions = fields.List(fields.Nested(MessageVersionSchema))
