import mongoengine as me

from backend2.models.base import TimestampedDocument


class ContactEntry(me.EmbeddedDocument):
    phone = me.StringField(required=True)
    name = me.StringField(default="")


class ContactBook(TimestampedDocument):
    """A user's synced address book, one document so a full sync replaces it atomically."""

    meta = {
        "collection": "contacts",
        "indexes": [
            {"fields": ["user"], "unique": True},
            {"fields": ["user", "entries.phone"]},
        ],
    }

    user = me.ObjectIdField(required=True)
    entries = me.EmbeddedDocumentListField(ContactEntry, default=list)
