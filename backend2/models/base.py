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
