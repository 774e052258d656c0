"""The legacy import's ledger: what became of each source document, so runs are idempotent."""
import mongoengine as me
from bson import ObjectId
from bson.errors import InvalidId
from pymongo import UpdateOne


class LegacyImport(me.Document):
    """One source document: the Backend2 document it went into and the hashes of what it was
    (`rawHash`) and of what the import made of it (`planHash`) when last written.

    `_id` is `<collection>:<source _id>`. An entry is written only after its target write, so a
    run killed at any point leaves nothing marked done that is not.
    """

    meta = {"collection": "legacyimports", "strict": False}

    id = me.StringField(primary_key=True)
    target = me.ObjectIdField(required=True)
    raw_hash = me.StringField(db_field="rawHash")
    plan_hash = me.StringField(db_field="planHash")
    target_updated_at = me.DateTimeField(db_field="targetUpdatedAt")  # the updatedAt the import left
    imported_at = me.DateTimeField(db_field="importedAt")

    @staticmethod
    def key(collection, legacy_id):
        return f"{collection}:{legacy_id}"

    @classmethod
    def entries(cls, keys):
        """{key: stored entry} for the keys that have one; one query."""
        if not keys:
            return {}
        return {son["_id"]: son for son in cls._get_collection().find({"_id": {"$in": list(keys)}})}

    @classmethod
    def targets_of(cls, collection):
        """{source _id: target id} for every entry of a collection (an anchored prefix scan of `_id`)."""
        prefix = f"{collection}:"
        cursor = cls._get_collection().find({"_id": {"$regex": f"^{prefix}"}}, {"target": 1})
        return {_source_id(son["_id"][len(prefix):]): son["target"] for son in cursor}

    @classmethod
    def record(cls, entries):
        """Write entries {key: fields} in one command."""
        if entries:
            cls._get_collection().bulk_write(
                [UpdateOne({"_id": key}, {"$set": fields}, upsert=True) for key, fields in entries.items()],
                ordered=False)


def _source_id(text):
    try:
        return ObjectId(text)
    except InvalidId:
        return text
