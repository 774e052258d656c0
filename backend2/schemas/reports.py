"""Reports, as users file them and as moderators see them; the moderators' inputs."""
from marshmallow import ValidationError, fields, validate, validates_schema

from backend2.extensions import ma
from backend2.schemas.common import (
    InputSchema, ObjectIdString, PageQuerySchema, PaginationSchema, ReasonSchema, Timestamp, id_fields,
    object_id_field,
)

TARGETS = ("messageId", "userId", "conversationId")
REASONS = ("spam", "abuse", "illegal", "other")
# Suspension lengths a moderator picks from, in hours (the console's and /admin's); "" is until lifted.
SUSPENSIONS = {"1": "1 hour", "24": "1 day", "168": "7 days", "720": "30 days", "": "until lifted"}
SUSPENSION_HOURS = tuple(int(hours) for hours in SUSPENSIONS if hours)


class ReportInputSchema(InputSchema):
    ALIASES = {"message": "messageId", "user": "userId", "conversation": "conversationId"}
    messageId = object_id_field()
    userId = object_id_field()
    conversationId = object_id_field()
    reason = fields.String(required=True, validate=validate.OneOf(REASONS))
    note = fields.String(validate=validate.Length(max=1000))
    block = fields.Boolean(truthy={True}, falsy={False}, metadata={"description": "also block the sender or user"})

    @validates_schema
    def one_target(self, data, **kwargs):
        if sum(name in data for name in TARGETS) != 1:
            raise ValidationError("Give exactly one of messageId, userId, conversationId", "_schema")


class ReportSchema(ma.Schema.from_dict(id_fields())):
    reason = fields.String()
    note = fields.String()
    status = fields.String(metadata={"enum": ["open", "resolved"]})
    messageId = ObjectIdString(attribute="message", allow_none=True)
    conversationId = ObjectIdString(attribute="conversation", allow_none=True)
    userId = ObjectIdString(attribute="reported_user", allow_none=True)
    createdAt = Timestamp(attribute="created_at")


class ReportedMessageSchema(ma.Schema):
    messageId = ObjectIdString(attribute="message_id")
    conversationId = ObjectIdString(attribute="conversation")
    sender = ObjectIdString()
    type = fields.String()
    text = fields.String()
    attachments = fields.List(fields.String())
    createdAt = Timestamp(attribute="created_at")
    editedAt = Timestamp(attribute="edited_at", allow_none=True)


class ModeratorReportSchema(ReportSchema):
    reporter = ObjectIdString()
    evidence = fields.List(fields.Nested(ReportedMessageSchema))
    resolvedBy = ObjectIdString(attribute="resolved_by", allow_none=True)
    resolvedAt = Timestamp(attribute="resolved_at", allow_none=True)
    resolution = fields.String(allow_none=True)
    resolutionNote = fields.String(attribute="resolution_note", allow_none=True)


class ReportListQuerySchema(PageQuerySchema):
    status = fields.String(load_default="open", validate=validate.OneOf(("open", "resolved")))


class ReportListSchema(ma.Schema):
    reports = fields.List(fields.Nested(ModeratorReportSchema))
    pagination = fields.Nested(PaginationSchema)


class ResolveInputSchema(ReasonSchema):
    ALIASES = {"note": "reason"}  # its name before every action needed a reason
    action = fields.String(load_default="none", validate=validate.OneOf(("none", "message_deleted", "user_suspended")))


class SuspendInputSchema(ReasonSchema):
    hours = fields.Integer(load_default=None, validate=validate.OneOf(SUSPENSION_HOURS),
                           metadata={"description": "How long, in hours (1, 24, 168 or 720); absent: until lifted"})


class AuditEntrySchema(ma.Schema.from_dict(id_fields())):
    moderator = ObjectIdString(allow_none=True)  # none for a command an operator ran (`details.by`)
    action = fields.String()
    target = ObjectIdString()
    details = fields.Dict()
    createdAt = Timestamp(attribute="created_at")


class AuditLogSchema(ma.Schema):
    entries = fields.List(fields.Nested(AuditEntrySchema))
    pagination = fields.Nested(PaginationSchema)
