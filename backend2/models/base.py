"""Shared document behaviour matching Mongoose's `timestamps: true`."""
import mongoengine as me

from backend2.utils.time import utcnow


class TimestampedDocument(me.Document):
    """A document with `createdAt`/`updatedAt`; `updatedAt` moves on every save.

    `strict: False` lets documents written by the Express servers (with `__v` and
    fields we do not model) load without errors.
    """

    meta = {"abstract": True, "strict": False}

    created_at = me.DateTimeField(db_field="createdAt", default=utcnow)
    updated_at = me.DateTimeField(db_field="updatedAt", default=utcnow)

    def save(self, *args, **kwargs):
        self.updated_at = utcnow()
        return super().save(*args, **kwargs)

    @classmethod
    def find_one_raw(cls, query):
        """The first document matching a raw MongoDB query (stored field names), or None.

        For the hottest paths only: it skips the queryset machinery, which costs more than
        the lookup itself on the embedded database.
        """
        son = cls._get_collection().find_one(query)
        return None if son is None else cls._from_son(son)
