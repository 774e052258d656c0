"""The embedded database: mongomock (4.3.0), plus hash indexes so it does not slow down as data grows.

(Where mongomock answers differently from MongoDB and pymongo 4.20, `embedded_compat` mends it.)

mongomock answers every query, and checks every unique index on every write, by testing the
filter against every document of the collection. A chat backend writes and reads messages
all the time, so that grows with every message stored. Here each collection keeps a map per
indexed field (`_id` and every field of every declared index, array fields by element)
from value to document ids. A query with an equality on such a field tests only those
documents, as does an `$or` whose every clause has one; anything else falls back to
mongomock's scan, so results never change, only speed.

The maps follow every write: inserts and deletes pass through the collection store, and
mongomock calls `_ensure_uniques` after every insert and in-place update, where the document
is indexed again before uniqueness is checked.
"""
import itertools
import uuid
from datetime import datetime

import mongomock
from bson import ObjectId
from mongomock import aggregate, store
from mongomock.database import Database
from mongomock.filtering import filter_applies
from mongomock.helpers import get_value_by_dot
from pymongo.errors import DuplicateKeyError

from backend2.infra.embedded_compat import CompatibleCollection

_UNHASHABLE = object()
# Values a query compares by equality. Anything else (None, which also matches a missing
# field; regexes, which are hashable but match many values; documents; lists) is left to
# mongomock's own matching.
_EQUALITY_TYPES = (str, bytes, bool, int, float, ObjectId, datetime, uuid.UUID)


def _hashable(value):
    return value if isinstance(value, _EQUALITY_TYPES) else _UNHASHABLE


class IndexedCollectionStore(store.CollectionStore):
    def __init__(self, name):
        super().__init__(name)
        self._maps = {}          # field -> {value: set(ids)}
        self._entries = {}       # id -> [(field, value)] as last indexed
        self._order = {}         # id -> insertion sequence, to keep natural order
        self._sequence = itertools.count()

    # --- which fields ---------------------------------------------------------------

    def create_index(self, index_name, index_dict):
        super().create_index(index_name, index_dict)
        fields = [field for field, _ in index_dict["key"]
                  if field != "_id" and "." not in field and field not in self._maps]
        if fields:
            self._maps.update((field, {}) for field in fields)
            for document in self._documents.values():
                self.reindex(document)

    def drop(self):
        super().drop()
        self._maps = {field: {} for field in self._maps}
        self._entries, self._order = {}, {}

    # --- keeping the maps -----------------------------------------------------------

    def __setitem__(self, key, val):
        super().__setitem__(key, val)
        self._order.setdefault(key, next(self._sequence))
        self.reindex(val)

    def __delitem__(self, key):
        super().__delitem__(key)
        self._unindex(key)
        self._order.pop(key, None)

    def reindex(self, document):
        key = document.get("_id")
        self._unindex(key)
        entries = []
        for field, values in self._maps.items():
            raw = document.get(field)
            for value in (raw if isinstance(raw, list) else [raw]):
                value = _hashable(value)
                if value is not _UNHASHABLE:
                    values.setdefault(value, set()).add(key)
                    entries.append((field, value))
        self._entries[key] = entries

    def _unindex(self, key):
        for field, value in self._entries.pop(key, ()):
            ids = self._maps[field].get(value)
            if ids is not None:
                ids.discard(key)
                if not ids:
                    del self._maps[field][value]

    # --- answering ------------------------------------------------------------------

    def candidates(self, spec):
        """The documents that may match `spec`, in natural order; None if no map narrows it."""
        best = self._narrowest(spec)
        if best is None:
            return None
        best = set().union(*best[1])
        self._remove_expired_documents()
        with self._rwlock.reader():
            found = [(self._order.get(key, 0), key) for key in best if key in self._documents]
            return [self._documents[key] for _, key in sorted(found)]

    def _narrowest(self, spec):
        """(size, [sets of ids]) of the condition of `spec` that leaves the fewest documents: an
        equality or `$in` on a mapped field, or an `$or` whose every clause is narrowed; or None."""
        best = None
        for field, condition in _conditions(spec):
            groups = self._any_of(condition) if field == "$or" else self._groups(field, condition)
            if groups is not None and (best is None or groups[0] < best[0]):
                best = groups  # only the narrowest is copied, by candidates
        return best

    def _groups(self, field, condition):
        if field != "_id" and field not in self._maps:
            return None
        wanted = condition["$in"] if isinstance(condition, dict) and set(condition) == {"$in"} else [condition]
        if not isinstance(wanted, list):
            return None
        values = [_hashable(value) for value in wanted]
        if _UNHASHABLE in values:
            return None
        if field == "_id":
            groups = [{value} for value in values if value in self._documents]
        else:
            groups = [self._maps[field].get(value, ()) for value in values]
        return sum(len(group) for group in groups), groups

    def _any_of(self, clauses):
        if not isinstance(clauses, list) or not clauses:
            return None
        size, groups = 0, []
        for clause in clauses:
            found = self._narrowest(clause) if isinstance(clause, dict) else None
            if found is None:
                return None
            size, groups = size + found[0], groups + found[1]
        return size, groups


def _value_at(document, dotted_key):
    try:
        return get_value_by_dot(document, dotted_key)
    except KeyError:
        return None


def _conditions(spec):
    """(field, condition) pairs that must all hold, including those inside a top-level $and;
    an `$or` is one such pair, ("$or", its clauses)."""
    for field, condition in (spec or {}).items():
        if field == "$and" and isinstance(condition, list):
            for clause in condition:
                if isinstance(clause, dict):
                    yield from _conditions(clause)
        elif field == "$or" or not field.startswith("$"):
            yield field, condition


class IndexedDatabaseStore(store.DatabaseStore):
    def __getitem__(self, col_name):
        if col_name not in self._collections:
            self._collections[col_name] = IndexedCollectionStore(col_name)
        return self._collections[col_name]


class IndexedServerStore(store.ServerStore):
    def __getitem__(self, db_name):
        if db_name not in self._databases:
            self._databases[db_name] = IndexedDatabaseStore()
        return self._databases[db_name]


class IndexedCollection(CompatibleCollection):
    def _iter_documents(self, filter, skip_id=_UNHASHABLE):
        """The documents matching `filter`, except the one whose `_id` is `skip_id`."""
        documents = self._store.candidates(filter)
        if documents is None:
            if self._store.is_empty:
                filter_applies(filter, {})  # as mongomock: a bad filter fails even with nothing to match
            documents = list(self._store.documents)
        return (document for document in documents
                if document["_id"] != skip_id and filter_applies(filter, document))

    def aggregate(self, pipeline, session=None, **kwargs):
        """mongomock starts every pipeline from the whole collection; one that begins with
        `$match` (a count, say) starts from what find() narrows it to, and goes on from there."""
        if pipeline and isinstance(pipeline[0], dict) and set(pipeline[0]) == {"$match"}:
            matched = list(self.find(pipeline[0]["$match"]))
            return aggregate.process_pipeline(matched, self.database, pipeline[1:], session)
        return super().aggregate(pipeline, session, **kwargs)

    def _ensure_uniques(self, new_data):
        """mongomock's check, except that a document outside a partial index's filter is not
        in that index, so it is not checked against it (as in MongoDB; the answer is the same,
        but mongomock would test every document sharing the index's other values)."""
        self._store.reindex(new_data)  # an in-place update may have moved it to other values
        for index in self._store.indexes.values():
            partial = index.get("partialFilterExpression")
            if not index.get("unique") or (partial is not None and not filter_applies(partial, new_data)):
                continue
            values = {key: _value_at(new_data, key) for key, _ in index["key"]}
            if index.get("sparse") and set(values.values()) == {None}:
                continue
            query = values if partial is None else {"$and": [partial, values]}
            if any(True for _ in self._iter_documents(query, skip_id=new_data["_id"])):
                raise DuplicateKeyError("E11000 Duplicate Key Error", 11000)

    def with_options(self, *args, **kwargs):
        collection = super().with_options(*args, **kwargs)
        collection.__class__ = IndexedCollection  # mongomock builds a plain Collection here
        return collection


class IndexedDatabase(Database):
    def get_collection(self, name, codec_options=None, read_preference=None,
                       write_concern=None, read_concern=None):
        if name not in self._collection_accesses:
            self._ensure_valid_collection_name(name)
            self._collection_accesses[name] = IndexedCollection(
                self, name=name, read_concern=read_concern, write_concern=write_concern,
                read_preference=read_preference or self.read_preference,
                codec_options=codec_options or self._codec_options, _db_store=self._store)
        return super().get_collection(name, codec_options, read_preference, write_concern, read_concern)


class IndexedMongoClient(mongomock.MongoClient):
    """mongomock's client, serving IndexedCollections; a drop-in `mongo_client_class`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("_store", IndexedServerStore())
        super().__init__(*args, **kwargs)

    def get_database(self, name=None, codec_options=None, read_preference=None,
                     write_concern=None, read_concern=None):
        if name is not None and name not in self._database_accesses:
            self._database_accesses[name] = IndexedDatabase(
                self, name, read_preference=read_preference or self.read_preference,
                codec_options=codec_options or self._codec_options, _store=self._store[name],
                read_concern=read_concern)
        return super().get_database(name, codec_options, read_preference, write_concern, read_concern)
