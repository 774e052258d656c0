"""Read-only access to an Express server's MongoDB database, for the legacy import.

Only reads are issued: `find` (in `_id` order, in batches behind a cursor), `count` and
`listCollections`. Nothing here writes a document or builds an index, so a source can be the
old server's live database (tests/system/test_legacy_import.py proves every source document byte
for byte unchanged afterwards).
"""
from pymongo import ASCENDING, MongoClient
from pymongo.errors import ConfigurationError, InvalidURI
from pymongo.uri_parser import parse_uri

# What the two Express servers wrote (Mongoose: plural lowercase names).
LEGACY_COLLECTIONS = ("users", "sessions", "contacts", "conversations", "chatrequests", "messages")


class SourceError(ValueError):
    """A --source that cannot be used: not a MongoDB URI, or no database named in it."""


class LegacySource:
    def __init__(self, uri, timeout_ms):
        try:
            parsed = parse_uri(uri)
        except (InvalidURI, ConfigurationError, ValueError) as exc:
            raise SourceError(f"--source {uri!r} is not a MongoDB URI: {exc}") from None
        if not parsed.get("database"):
            raise SourceError(f"--source {self.masked(uri)} names no database (mongodb://host/DATABASE)")
        self.hosts = frozenset(f"{host}:{port}" for host, port in parsed["nodelist"])
        self.database_name = parsed["database"]
        self.label = self.masked(uri)
        self.client = MongoClient(uri, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms,
                                  appname="backend2-legacy-import", uuidRepresentation="standard")
        self.database = self.client[self.database_name]
        self._names = None

    @staticmethod
    def masked(uri):
        """The URI without its password, for reports and logs."""
        scheme, _, rest = uri.partition("://")
        credentials, at, location = rest.rpartition("@")
        return f"{scheme}://{credentials.split(':')[0]}:***@{location}" if at else uri

    def is_database(self, hosts, database_name):
        return self.database_name == database_name and bool(self.hosts & hosts)

    def collection_names(self):
        if self._names is None:
            self._names = sorted(name for name in self.database.list_collection_names()
                                 if not name.startswith("system."))
        return self._names

    def count(self, collection):
        if collection not in self.collection_names():
            return 0
        return self.database[collection].estimated_document_count()

    def documents(self, collection, batch_size):
        """Every document of a collection in `_id` order, read `batch_size` at a time."""
        if collection not in self.collection_names():
            return iter(())
        return self.database[collection].find({}, sort=[("_id", ASCENDING)], batch_size=batch_size)

    def close(self):
        self.client.close()
