import mongoengine as me

from backend2.models.base import TimestampedDocument


class PushRegistration(me.EmbeddedDocument):
    """Where a device receives pushes: FCM or APNs, and for iOS calls its VoIP token."""

    provider = me.StringField(required=True, choices=("fcm", "apns"))
    token = me.StringField(required=True)
    voip_token = me.StringField(db_field="voipToken")
    app_id = me.StringField(db_field="appId")
    locale = me.StringField()
    registered_at = me.DateTimeField(db_field="registeredAt")


class Session(TimestampedDocument):
    """One signed-in device. A token that names a session is valid only while it is."""

    meta = {
        "collection": "sessions",
        "indexes": [
            {"fields": ["user", "-created_at"]},
            # Expired sessions are removed by MongoDB itself.
            {"fields": ["expires_at"], "expireAfterSeconds": 0},
            # A provider reports a token dead, or another session registers the same device.
            {"fields": ["push.token"], "sparse": True},
            {"fields": ["push.voip_token"], "sparse": True},
            # The session a sessionless Express token got on its first use (services/people/legacy_tokens.py).
            {"fields": ["legacy_fingerprint"], "unique": True, "sparse": True},
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
    push = me.EmbeddedDocumentField(PushRegistration)
    # A "legacy app" session: the SHA-256 of the Express token it stands for (never the token) and its shape.
    legacy_fingerprint = me.StringField(db_field="legacyFingerprint")
    legacy_shape = me.StringField(db_field="legacyShape")
