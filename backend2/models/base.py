"""Shared document behaviour matching Mongoose's `timestamps: true`."""
import mongoengine as me
from pymongo import UpdateOne
from pymongo.errors import BulkWriteError, DuplicateKeyError

from backend2.models.stored import Stored
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
    def insert_new(cls, **values):
        """Store a new document of these field values (the others take their defaults) and
        return its values as stored (`Stored`, read like the document, not a document): what
        `cls(**values).save()` stores, in one insert, without building the document before or
        after, nor save's per-call machinery (validation, change tracking), for the send path,
        whose input its schema has checked. A duplicate key is NotUniqueError, as from save.
        tests/unit/test_insert_new.py holds both to save's result."""
        unknown = set(values) - set(cls._fields)
        if unknown:
            raise TypeError(f"{cls.__name__} has no fields {sorted(unknown)}")
        son = {}
        for name, field in cls._fields.items():
            value = values.get(name)
            if value is None:
                value = field.default() if callable(field.default) else field.default
            if value is not None:
                son[field.db_field] = field.to_mongo(value)
        try:
            cls._get_collection().insert_one(son)
        except DuplicateKeyError as exc:
            raise me.NotUniqueError(f"Tried to save duplicate unique keys ({exc})") from exc
        return Stored(cls, son)

    @classmethod
    def find_one_raw(cls, query):
        """The first document matching a raw MongoDB query (stored field names), or None.

        For the hottest paths only: it skips the queryset machinery, which costs more than
        the lookup itself on the embedded database.
        """
        son = cls._get_collection().find_one(query)
        return None if son is None else cls._from_son(son)

    @classmethod
    def raw_one(cls, query, fields=None):
        """The first stored document matching a raw query, as stored (for caches), or None."""
        return cls._get_collection().find_one(query, fields)

    @classmethod
    def from_raw(cls, son):
        """A document made from a stored one (`raw_one`'s); its lists and dicts are its own."""
        return cls._from_son(son)

    @classmethod
    def raw_by_ids(cls, ids, fields=None):
        """{_id: stored document} for the ids that exist, in one query (stored field names)."""
        if not ids:
            return {}
        return {son["_id"]: son for son in cls._get_collection().find({"_id": {"$in": list(ids)}}, fields)}

    @classmethod
    def raw_find(cls, query, fields=None):
        """Stored documents matching a raw query: for bulk work that needs no Document objects."""
        return list(cls._get_collection().find(query, fields))

    @classmethod
    def bulk_update(cls, updates):
        """Apply [(_id, update document, upsert)] in one command (unordered); returns
        {index in `updates`: error message} for the updates that failed (a duplicate key, say)."""
        if not updates:
            return {}
        operations = [UpdateOne({"_id": oid}, update, upsert=upsert) for oid, update, upsert in updates]
        try:
            cls._get_collection().bulk_write(operations, ordered=False)
        except BulkWriteError as exc:
            return {error["index"]: error.get("errmsg", "write failed") for error in exc.details["writeErrors"]}
        return {}
