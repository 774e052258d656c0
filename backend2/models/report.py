import mongoengine as me

from backend2.models.base import TimestampedDocument

REPORT_REASONS = ("spam", "abuse", "illegal", "other")


class ReportedMessage(me.EmbeddedDocument):
    """A message as it was when reported: evidence that outlives its deletion."""

    message_id = me.ObjectIdField(db_field="messageId")
    conversation = me.ObjectIdField()
    sender = me.ObjectIdField()
    type = me.StringField()
    text = me.StringField(default="")
    attachments = me.ListField(me.StringField(), default=list)  # their URLs
    created_at = me.DateTimeField(db_field="createdAt")
    edited_at = me.DateTimeField(db_field="editedAt")


class Report(TimestampedDocument):
    """A user's report of a message, a user or a conversation, and how a moderator resolved it."""

    meta = {
        "collection": "reports",
        "indexes": [
            # The moderators' queue: open reports, oldest first.
            {"fields": ["status", "created_at"]},
            # Reports about one account.
            {"fields": ["reported_user"]},
        ],
    }

    reporter = me.ObjectIdField(required=True)
    reason = me.StringField(required=True, choices=REPORT_REASONS)
    note = me.StringField(default="")
    message = me.ObjectIdField()
    conversation = me.ObjectIdField()
    reported_user = me.ObjectIdField(db_field="reportedUser")
    evidence = me.EmbeddedDocumentListField(ReportedMessage, default=list)
    status = me.StringField(default="open", choices=("open", "resolved"))
    assigned_to = me.ObjectIdField(db_field="assignedTo")  # the moderator who took it
    resolved_by = me.ObjectIdField(db_field="resolvedBy")
    resolved_at = me.DateTimeField(db_field="resolvedAt")
    resolution = me.StringField()  # what the moderator did: none, message_deleted, user_suspended, account_deleted
    resolution_note = me.StringField(db_field="resolutionNote")
