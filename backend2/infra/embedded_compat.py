"""Where mongomock 4.3.0 answers otherwise than MongoDB with pymongo 4.20, mended for the
embedded database (each has a test in tests/unit/test_embedded_mongo.py that a mongomock or pymongo
upgrade would have to pass):

- declaring an index that exists with the same options changes nothing (mongomock checked
  uniqueness again, ignoring partial filters);
- `bulk_write` of updates works (mongomock's fails on pymongo 4.20's operations);
- reading n documents through a cursor costs n, not n².
"""
from mongomock import helpers
from mongomock.collection import Collection, Cursor
from pymongo import UpdateOne
from pymongo.errors import BulkWriteError, DuplicateKeyError
from pymongo.results import BulkWriteResult


class CompatibleCollection(Collection):
    def create_index(self, key_or_list, cache_for=300, session=None, **kwargs):
        """mongomock's, except that declaring an index that exists with the same options changes
        nothing, as in MongoDB. mongomock checks uniqueness again, ignoring partial filters, and
        so refused a process restarting on its own data (messages sent without a clientId)."""
        index_list = helpers.create_index_list(key_or_list)
        name = kwargs.get("name") or helpers.gen_index_name(index_list)
        if self._store.indexes.get(name) == _index_description(index_list, kwargs):
            return name
        return super().create_index(key_or_list, cache_for, session, **kwargs)

    def bulk_write(self, requests, ordered=True, bypass_document_validation=False, session=None, **kwargs):
        """The update operations Backend2 sends in bulk, applied one by one with pymongo's answer
        and errors. mongomock's own fails on pymongo 4.20's operations, which pass a `sort` its
        builder does not take."""
        counts, upserted, errors = {"nMatched": 0, "nModified": 0}, [], []
        for index, request in enumerate(requests):
            if not isinstance(request, UpdateOne):
                raise NotImplementedError(f"bulk {type(request).__name__} on the embedded database")
            try:
                result = self.update_one(request._filter, request._doc, upsert=request._upsert)
            except DuplicateKeyError as exc:
                errors.append({"index": index, "code": 11000, "errmsg": str(exc), "op": request._doc})
                if ordered:
                    break
                continue
            counts["nMatched"] += result.matched_count
            counts["nModified"] += result.modified_count
            if result.upserted_id is not None:
                upserted.append({"index": index, "_id": result.upserted_id})
        answer = {**counts, "nInserted": 0, "nRemoved": 0, "nUpserted": len(upserted), "upserted": upserted,
                  "writeErrors": errors, "writeConcernErrors": []}
        if errors:
            raise BulkWriteError(answer)
        return BulkWriteResult(answer, True)

    def find(self, *args, **kwargs):
        cursor = super().find(*args, **kwargs)
        cursor.__class__ = WindowedCursor
        return cursor


class WindowedCursor(Cursor):
    """mongomock's cursor, except that it cuts its results to skip and limit once, not again for
    every document it returns (which made reading n documents cost n², 19 s for 78,000)."""

    _window, _window_key = None, None

    def __next__(self):
        key = (self._factory, self._skip, self._limit)
        if self._window_key != key:
            self._window, self._window_key = self._compute_results(with_limit_and_skip=True), key
        if self._emitted >= len(self._window):
            raise StopIteration()
        self._emitted += 1
        return self._window[self._emitted - 1]

    next = __next__


def _index_description(index_list, options):
    """The index as mongomock's store describes it."""
    described = {"key": index_list}
    for option in ("sparse", "unique"):
        if options.get(option):
            described[option] = True
    for option in ("expireAfterSeconds", "partialFilterExpression"):
        if options.get(option) is not None:
            described[option] = options[option]
    return described
