import mongoengine as me

from backend2.models.base import TimestampedDocument


class ConsoleSession(TimestampedDocument):
    """A moderator signed in to the console (/console/): its cookie's SHA-256 (never the cookie),
    the CSRF token of its forms, and when it ends if nobody clicks. Not an app session: no token
    of the API names it, and its cookie is no token."""

    meta = {
        "collection": "consolesessions",
        "indexes": [
            {"fields": ["token_hash"], "unique": True},  # the cookie of each request
            {"fields": ["user"]},  # ending every console session of one moderator
            # Idle sessions are removed by MongoDB itself (every read checks expiry too).
            {"fields": ["expires_at"], "expireAfterSeconds": 0},
        ],
    }

    token_hash = me.StringField(db_field="tokenHash", required=True)
    user = me.ObjectIdField(required=True)
    csrf_token = me.StringField(db_field="csrfToken", required=True)
    ip = me.StringField(default="")
    user_agent = me.StringField(db_field="userAgent", default="")
    expires_at = me.DateTimeField(db_field="expiresAt", required=True)
