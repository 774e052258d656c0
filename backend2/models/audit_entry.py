import mongoengine as me

from backend2.models.base import TimestampedDocument


class AuditEntry(TimestampedDocument):
    """One moderator action, kept for good: who did what to what, and why."""

    meta = {
        "collection": "auditlogs",
        "indexes": [
            {"fields": ["-created_at"]},  # the log, newest first
            {"fields": ["target", "-created_at"]},  # what happened to one account, message or report
        ],
    }

    moderator = me.ObjectIdField(required=True)
    action = me.StringField(required=True)
    target = me.ObjectIdField(required=True)
    details = me.DictField(default=dict)
