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
            # The orphan sweep: uploads nothing refers to, oldest first.
            {"fields": ["attached", "created_at"]},
            # Who may fetch a thumbnail: the upload it belongs to.
            {"fields": ["thumbnail_name"], "sparse": True},
        ],
    }

    stored_name = me.StringField(db_field="storedName", required=True)
    owner = me.ObjectIdField(required=True)
    name = me.StringField(default="")
    size = me.IntField(required=True)
    mime_type = me.StringField(db_field="mimeType", required=True)
    width = me.IntField()
    height = me.IntField()
    thumbnail_name = me.StringField(db_field="thumbnailName")  # an image's, or a video's first frame
    duration_ms = me.IntField(db_field="durationMs")  # audio and video
    legacy_names = me.ListField(me.StringField(), db_field="legacyNames", default=None)
    # False until a message or an avatar refers to it; uploads older than this field never are swept.
    attached = me.BooleanField(default=False)
    is_avatar = me.BooleanField(db_field="avatar", default=False)  # a profile or group picture: anyone signed in may see it

    @classmethod
    def of_file(cls, name):
        """The upload a stored file (the file itself or its thumbnail) belongs to, or None."""
        return cls.find_one_raw({"storedName": name}) or cls.find_one_raw({"thumbnailName": name})

    @classmethod
    def attach(cls, stored_names, avatar=False):
        """Mark uploads as referred to (before the reference is written, so the sweep cannot take
        them meanwhile), as avatars when they are; returns how many of the names exist."""
        marks = {"attached": True, **({"avatar": True} if avatar else {})}
        return cls._get_collection().update_many({"storedName": {"$in": list(stored_names)}},
                                                 {"$set": marks}).matched_count

    @classmethod
    def orphans(cls, older_than, limit):
        """Uploads nothing refers to, created before `older_than`, oldest first (raw documents)."""
        return list(cls._get_collection().find({"attached": False, "createdAt": {"$lt": older_than}},
                                               {"storedName": 1, "thumbnailName": 1})
                    .sort("createdAt", 1).limit(limit))

    @classmethod
    def forget_orphan(cls, upload_id):
        """Remove an upload's record if still nothing refers to it; True when it was removed."""
        return cls._get_collection().delete_one({"_id": upload_id, "attached": False}).deleted_count == 1
