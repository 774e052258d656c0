"""The embedded database, shared: mongomock served over MongoDB's wire protocol.

Without MONGODB_URI each Backend2 process has its own in-memory database. To run several
processes on one machine that share data (the multi-process tests and benchmarks, or a
developer trying sticky sessions), start this server and point them at it:

    python -m backend2.devdb --port 27018
    MONGODB_URI=mongodb://127.0.0.1:27018/backend2 python wsgi.py

MockupDB speaks the protocol (handshake, OP_MSG); every command is answered by one
mongomock client under one lock, so each command is atomic as it is on a real server.
It implements the commands PyMongo sends for MongoEngine's operations. It is a development
and test tool: data lives in memory, and production uses a real MongoDB.
"""
import argparse
import itertools
import threading
import time
from datetime import datetime, timezone

from backend2.infra.embedded_mongo import IndexedMongoClient
from mockupdb import Matcher, MockupDB
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError, OperationFailure

DUPLICATE_KEY = 11000
COMMAND_NOT_FOUND = 59
INDEX_OPTIONS = ("unique", "sparse", "expireAfterSeconds", "partialFilterExpression", "name", "background")
CURSOR_NOT_FOUND = 43
DEFAULT_FIRST_BATCH = 101  # what a MongoDB server returns before the first getMore


class SharedEmbeddedDatabase:
    def __init__(self, port=0):
        self.client = IndexedMongoClient()
        self.lock = threading.Lock()
        self.server = MockupDB(port=port)  # listens on localhost only
        self.server.autoresponds(Matcher(), self.respond)
        self.lost_replies = set()  # collections whose next write is applied but never answered
        self.answering = threading.Event()
        self.answering.set()
        self.cursors = {}  # cursor id -> (namespace, documents not yet returned)
        self.cursor_ids = itertools.count(1)

    def freeze(self):
        """Fault for tests: keep every connection open but answer nothing, as a hung server or
        a network that drops packets does, until `thaw`."""
        self.answering.clear()

    def thaw(self):
        self.answering.set()

    def lose_reply_to_next_write(self, collection):
        """Fault for tests: apply the next insert into `collection`, then drop the connection
        instead of answering, as a network failure after a write can; the client gets an error."""
        self.lost_replies.add(collection)

    def run(self):
        """Start listening; returns the port."""
        return self.server.run()

    @property
    def uri(self):
        return f"mongodb://{self.server.host}:{self.server.port}"

    def close(self):
        self.server.stop()

    def respond(self, request):
        self.answering.wait()
        name = request.command_name
        handler = getattr(self, f"_cmd_{name.lower()}", None) if name else None
        if handler is None:
            return request.replies(ok=0, errmsg=f"no such command: {name}", code=COMMAND_NOT_FOUND)
        database = self.client[request.doc.get("$db", "test")]
        with self.lock:
            try:
                reply = handler(database, request.doc)
            except OperationFailure as exc:
                reply = {"ok": 0, "errmsg": str(exc), "code": exc.code or 2}
            if request.doc.get("insert") in self.lost_replies:
                self.lost_replies.discard(request.doc["insert"])
                return request.hangup()
        return request.replies(reply)

    # --- commands -------------------------------------------------------------------

    def _cmd_hello(self, db, cmd):
        """The handshake: a standalone server that takes writes."""
        return {"ismaster": True, "isWritablePrimary": True, "helloOk": True, "minWireVersion": 0,
                "maxWireVersion": 21, "maxBsonObjectSize": 16 * 1024 * 1024, "maxMessageSizeBytes": 48_000_000,
                "maxWriteBatchSize": 100_000, "localTime": datetime.now(timezone.utc)}

    _cmd_ismaster = _cmd_hello

    def _cmd_ping(self, db, cmd):
        return {}

    def _cmd_buildinfo(self, db, cmd):
        return {"version": "7.0.0", "versionArray": [7, 0, 0, 0]}

    def _cmd_endsessions(self, db, cmd):
        return {}

    def _cmd_killcursors(self, db, cmd):
        killed = [cursor_id for cursor_id in cmd.get("cursors", []) if self.cursors.pop(cursor_id, None)]
        return {"cursorsKilled": killed}

    def _cmd_find(self, db, cmd):
        collection = db[cmd["find"]]
        cursor = collection.find(cmd.get("filter") or {}, projection=cmd.get("projection") or None)
        if cmd.get("sort"):
            cursor = cursor.sort(list(cmd["sort"].items()))
        if cmd.get("skip"):
            cursor = cursor.skip(cmd["skip"])
        if cmd.get("limit"):
            cursor = cursor.limit(abs(cmd["limit"]))
        single = cmd.get("singleBatch") or (cmd.get("limit") or 0) < 0
        return self._first_batch(db, cmd["find"], list(cursor), cmd.get("batchSize"), single)

    def _cmd_aggregate(self, db, cmd):
        documents = list(db[cmd["aggregate"]].aggregate(cmd["pipeline"]))
        return self._first_batch(db, cmd["aggregate"], documents, (cmd.get("cursor") or {}).get("batchSize"))

    def _first_batch(self, db, collection, documents, batch_size=None, single=False):
        """The first batch as a server sends it; the rest waits behind a cursor for getMore."""
        size = batch_size or DEFAULT_FIRST_BATCH
        if single or len(documents) <= size:
            return _cursor(db, collection, documents)
        cursor_id = next(self.cursor_ids)
        namespace = f"{db.name}.{collection}"
        self.cursors[cursor_id] = (namespace, documents[size:])
        return {"cursor": {"id": cursor_id, "ns": namespace, "firstBatch": documents[:size]}}

    def _cmd_getmore(self, db, cmd):
        cursor_id = cmd["getMore"]
        if cursor_id not in self.cursors:
            return {"ok": 0, "errmsg": f"cursor id {cursor_id} not found", "code": CURSOR_NOT_FOUND}
        namespace, remaining = self.cursors.pop(cursor_id)
        size = cmd.get("batchSize") or len(remaining)
        batch, rest = remaining[:size], remaining[size:]
        if rest:
            self.cursors[cursor_id] = (namespace, rest)
        return {"cursor": {"id": cursor_id if rest else 0, "ns": namespace, "nextBatch": batch}}

    def _cmd_listcollections(self, db, cmd):
        names = db.list_collection_names()
        wanted = (cmd.get("filter") or {}).get("name")
        documents = [{"name": name, "type": "collection", "options": {}, "info": {"readOnly": False}}
                     for name in names if wanted is None or name == wanted]
        return _cursor(db, "$cmd.listCollections", documents)

    def _cmd_count(self, db, cmd):
        options = {key: cmd[key] for key in ("skip", "limit") if cmd.get(key)}
        return {"n": db[cmd["count"]].count_documents(cmd.get("query") or {}, **options)}

    def _cmd_distinct(self, db, cmd):
        return {"values": db[cmd["distinct"]].distinct(cmd["key"], cmd.get("query") or {})}

    def _cmd_insert(self, db, cmd):
        collection, inserted, errors = db[cmd["insert"]], 0, []
        for index, document in enumerate(cmd.get("documents", [])):
            try:
                collection.insert_one(document)
                inserted += 1
            except DuplicateKeyError as exc:
                errors.append(_write_error(index, exc))
                if cmd.get("ordered", True):
                    break
        return _write_result(inserted, errors)

    def _cmd_update(self, db, cmd):
        collection, matched, modified, upserted, errors = db[cmd["update"]], 0, 0, [], []
        for index, spec in enumerate(cmd.get("updates", [])):
            update, upsert = spec["u"], spec.get("upsert", False)
            try:
                if not any(key.startswith("$") for key in update):
                    result = collection.replace_one(spec["q"], update, upsert=upsert)
                elif spec.get("multi"):
                    result = collection.update_many(spec["q"], update, upsert=upsert)
                else:
                    result = collection.update_one(spec["q"], update, upsert=upsert)
            except DuplicateKeyError as exc:
                errors.append(_write_error(index, exc))
                if cmd.get("ordered", True):
                    break
                continue
            matched += result.matched_count
            modified += result.modified_count
            if result.upserted_id is not None:
                upserted.append({"index": index, "_id": result.upserted_id})
        reply = _write_result(matched + len(upserted), errors)
        reply["nModified"] = modified
        if upserted:
            reply["upserted"] = upserted
        return reply

    def _cmd_delete(self, db, cmd):
        collection, removed = db[cmd["delete"]], 0
        for spec in cmd.get("deletes", []):
            delete = collection.delete_one if spec.get("limit") == 1 else collection.delete_many
            removed += delete(spec["q"]).deleted_count
        return {"n": removed}

    def _cmd_findandmodify(self, db, cmd):
        collection = db[cmd["findAndModify"]]
        query, sort, fields = cmd.get("query") or {}, cmd.get("sort"), cmd.get("fields")
        sort = list(sort.items()) if sort else None
        existed = collection.count_documents(query, limit=1) > 0
        try:
            if cmd.get("remove"):
                value = collection.find_one_and_delete(query, projection=fields, sort=sort)
            else:
                update = cmd["update"]
                apply = (collection.find_one_and_update if any(k.startswith("$") for k in update)
                         else collection.find_one_and_replace)
                value = apply(query, update, projection=fields, sort=sort, upsert=cmd.get("upsert", False),
                              return_document=ReturnDocument.AFTER if cmd.get("new") else ReturnDocument.BEFORE)
        except DuplicateKeyError as exc:
            return {"ok": 0, "errmsg": str(exc), "code": DUPLICATE_KEY}
        last_error = {"n": 1 if existed or cmd.get("upsert") else 0, "updatedExisting": existed}
        return {"value": value, "lastErrorObject": last_error}

    def _cmd_createindexes(self, db, cmd):
        collection = db[cmd["createIndexes"]]
        for index in cmd.get("indexes", []):
            options = {key: index[key] for key in INDEX_OPTIONS if key in index}
            collection.create_index(list(index["key"].items()), **options)
        return {"numIndexesBefore": 0, "numIndexesAfter": len(cmd.get("indexes", []))}

    def _cmd_listindexes(self, db, cmd):
        info = db[cmd["listIndexes"]].index_information()
        indexes = [{"v": 2, "name": name, **{k: v for k, v in spec.items() if k != "v"},
                    "key": dict(spec["key"])} for name, spec in info.items()]
        return _cursor(db, cmd["listIndexes"], indexes)

    def _cmd_listdatabases(self, db, cmd):
        return {"databases": [{"name": name, "sizeOnDisk": 0, "empty": False}
                              for name in self.client.list_database_names()]}

    def _cmd_drop(self, db, cmd):
        db.drop_collection(cmd["drop"])
        return {}

    def _cmd_dropdatabase(self, db, cmd):
        self.client.drop_database(db.name)
        return {}


def _cursor(db, collection, documents):
    return {"cursor": {"id": 0, "ns": f"{db.name}.{collection}", "firstBatch": documents}}


def _write_error(index, exc):
    return {"index": index, "code": DUPLICATE_KEY, "errmsg": str(exc)}


def _write_result(count, errors):
    reply = {"n": count}
    if errors:
        reply["writeErrors"] = errors
    return reply


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=27018)
    args = parser.parse_args()
    database = SharedEmbeddedDatabase(port=args.port)
    database.run()
    print(f"Shared embedded database on {database.uri}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        database.close()


if __name__ == "__main__":
    main()
