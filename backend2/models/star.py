import mongoengine as me

from backend2.models.base import TimestampedDocument


class Star(TimestampedDocument):
    """A message a user starred for themselves."""

    meta = {
        "collection": "stars",
        "indexes": [
            # One star per user and message.
            {"fields": ["user", "message"], "unique": True},
            # The user's starred messages, newest star first (ids grow with time).
            {"fields": ["user", "-id"]},
        ],
    }

    user = me.ObjectIdField(required=True)
    message = me.ObjectIdField(required=True)
    conversation = me.ObjectIdField(required=True)
