import mongoengine as me

from backend2.models.base import TimestampedDocument


class Session(TimestampedDocument):
    """One signed-in device. A token that names a session is valid only while it is."""

    meta = {
        "collection": "sessions",
        "indexes": [
            {"fields": ["user", "-created_at"]},
            # Expired sessions are removed by MongoDB itself.
            {"fields": ["expires_at"], "expireAfterSeconds": 0},
        ],
    }

    user = me.ObjectIdField(required=True)
    platform = me.StringField(default="other")
    device_name = me.StringField(db_field="deviceName", default="")
    ip = me.StringField(default="")
    user_agent = me.StringField(db_field="userAgent", default="")
    last_seen_at = me.DateTimeField(db_field="lastSeenAt")
    expires_at = me.DateTimeField(db_field="expiresAt", required=True)
    revoked_at = me.DateTimeField(db_field="revokedAt")
