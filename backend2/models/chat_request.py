import mongoengine as me

from backend2.models.base import TimestampedDocument


class ChatRequest(TimestampedDocument):
    """A request to chat with someone outside the sender's contacts."""

    meta = {
        "collection": "chatrequests",
        "indexes": [
            # Set only while pending: at most one pending request per pair, either direction.
            {"fields": ["pending_key"], "unique": True, "sparse": True},
            {"fields": ["to", "status", "-created_at"]},
            {"fields": ["sender", "status", "-created_at"]},
        ],
    }

    sender = me.ObjectIdField(db_field="from", required=True)
    to = me.ObjectIdField(required=True)
    message = me.StringField(default="")
    status = me.StringField(default="pending", choices=("pending", "accepted", "rejected", "cancelled"))
    pending_key = me.StringField(db_field="pendingKey")
    conversation = me.ObjectIdField()
    responded_at = me.DateTimeField(db_field="respondedAt")
