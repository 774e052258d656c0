import mongoengine as me

from backend2.models.base import TimestampedDocument


class AuditEntry(TimestampedDocument):
    """One moderator action, kept for good: who did what to what, and why."""

    meta = {
        "collection": "auditlogs",
        "indexes": [
            {"fields": ["-created_at"]},  # the log, newest first
            {"fields": ["target", "-created_at"]},  # what happened to one account, message or report
            {"fields": ["moderator", "-created_at"]},  # what one moderator did (the console's filter)
        ],
    }

    moderator = me.ObjectIdField()  # None for a command run by an operator (`details.by`)
    action = me.StringField(required=True)
    target = me.ObjectIdField(required=True)
    details = me.DictField(default=dict)
