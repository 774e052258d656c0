import mongoengine as me

from backend2.models.base import TimestampedDocument
from backend2.utils.user_settings import BY_FIELD, FLAG


def setting_field(name):
    """The stored field of a user setting, as the settings table describes it."""
    setting = BY_FIELD[name]
    if setting.values == FLAG:
        return me.BooleanField(db_field=setting.db_field, default=setting.default)
    return me.StringField(db_field=setting.db_field, default=setting.default, choices=setting.values)


class User(TimestampedDocument):
    meta = {
        "collection": "users",
        "indexes": [
            {"fields": ["phone"], "unique": True},
            # Unique only where present: most mobile users never give an email.
            {"fields": ["email"], "unique": True, "sparse": True},
            # "Who blocked me": the other direction of every block check.
            {"fields": ["blocked_users"]},
            # Search: substring matches scan this index rather than the documents.
            {"fields": ["name"]},
            # Ids the Express servers gave this person (legacy tokens, the apps' cached ids).
            {"fields": ["legacy_ids"], "sparse": True},
            # The sweep that erases accounts whose grace period is over.
            {"fields": ["deletion_due_at"], "sparse": True},
        ],
    }

    name = me.StringField(required=True)
    phone = me.StringField(required=True)
    email = me.StringField()
    password_hash = me.StringField(db_field="passwordHash")
    avatar = me.StringField()
    about = me.StringField(default="")
    last_seen = me.DateTimeField(db_field="lastSeen")
    blocked_users = me.ListField(me.ObjectIdField(), db_field="blockedUsers", default=list)
    legacy_ids = me.ListField(me.ObjectIdField(), db_field="legacyIds", default=None)
    # Set while a deletion waits out ACCOUNT_DELETION_GRACE_DAYS; `deleted_at` once it is done
    # (the document stays, as "Deleted account" with nothing else, so ids others hold resolve).
    deletion_due_at = me.DateTimeField(db_field="deletionDueAt")
    deleted_at = me.DateTimeField(db_field="deletedAt")
    role = me.StringField(default="user", choices=("user", "moderator"))
    suspended_at = me.DateTimeField(db_field="suspendedAt")  # tokens refused, sockets closed, until lifted
    suspended_until = me.DateTimeField(db_field="suspendedUntil")  # a suspension for a time ends by itself then
    # Express tokens issued before this (or without a date) are refused (services/people/legacy_tokens.py).
    tokens_valid_after = me.DateTimeField(db_field="tokensValidAfter")
    # Settings (utils/user_settings.py names each once: stored name, default, values).
    push_previews = setting_field("push_previews")
    badge_includes_muted = setting_field("badge_includes_muted")
    mentions_bypass_mute = setting_field("mentions_bypass_mute")
    link_previews = setting_field("link_previews")
    requests_from_strangers = setting_field("requests_from_strangers")
    # Privacy: who sees what of this person (services/people/privacy.py).
    last_seen_visibility = setting_field("last_seen_visibility")
    online_visibility = setting_field("online_visibility")
    photo_visibility = setting_field("photo_visibility")
    read_receipts = setting_field("read_receipts")

    @classmethod
    def by_id_or_legacy_id(cls, user_id):
        """The user with this id or, failing that, the one the Express servers knew by it.

        Two queries only when the first misses, so the usual lookup stays one indexed read.
        """
        return cls.find_one_raw({"_id": user_id}) or cls.find_one_raw({"legacyIds": user_id})
