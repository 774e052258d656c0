import mongoengine as me

from backend2.models.base import TimestampedDocument


class Upload(TimestampedDocument):
    """A stored file: what its bytes are, so messages can only point at real uploads."""

    meta = {
        "collection": "uploads",
        "indexes": [
            {"fields": ["stored_name"], "unique": True},
            # Old links: the name an Express server stored the file under, in its uploads folder.
            {"fields": ["legacy_names"], "sparse": True},
        ],
    }

    stored_name = me.StringField(db_field="storedName", required=True)
    owner = me.ObjectIdField(required=True)
    name = me.StringField(default="")
    size = me.IntField(required=True)
    mime_type = me.StringField(db_field="mimeType", required=True)
    width = me.IntField()
    height = me.IntField()
    thumbnail_name = me.StringField(db_field="thumbnailName")
    legacy_names = me.ListField(me.StringField(), db_field="legacyNames", default=None)
