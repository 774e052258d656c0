import mongoengine as me

from backend2.models.base import TimestampedDocument


class Otp(TimestampedDocument):
    """The one live code for a phone and purpose; the code itself is never stored."""

    meta = {
        "collection": "otps",
        "indexes": [
            {"fields": ["phone", "purpose"], "unique": True},
            {"fields": ["expires_at"], "expireAfterSeconds": 0},
        ],
    }

    phone = me.StringField(required=True)
    purpose = me.StringField(required=True, choices=("register", "login"))
    code_hash = me.StringField(db_field="codeHash", required=True)
    attempts = me.IntField(default=0)
    sent_at = me.DateTimeField(db_field="sentAt", required=True)
    expires_at = me.DateTimeField(db_field="expiresAt", required=True)
