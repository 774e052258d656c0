"""Connects MongoEngine to MONGODB_URI, or to the embedded in-process default."""
import logging

import mongoengine as me
from pymongo import MongoClient
from pymongo.errors import ConnectionFailure

from backend2.models import ALL_MODELS
from config import ConfigError

log = logging.getLogger(__name__)

EMBEDDED_URI = "mongodb://embedded.invalid"


class _IndexState:
    ready = False


def connect_database(config):
    """Connect the default alias; declare indexes now, or on the first request that reaches it.

    With MONGODB_URI unset the client class is mongomock's, so the rest of the code
    never knows which database it talks to. An unreachable database does not stop the
    process: requests get 503 until it answers.
    """
    me.disconnect()
    _IndexState.ready = False
    if config.MONGODB_URI:
        uri, client_class = config.MONGODB_URI, MongoClient
    else:
        uri, client_class = EMBEDDED_URI, _embedded_client_class()
        log.warning("MONGODB_URI is not set: using the embedded in-memory database; "
                    "data lives in this process only and is lost when it stops")
    me.connect(
        db=config.MONGODB_DB,
        host=uri,
        mongo_client_class=client_class,
        serverSelectionTimeoutMS=config.MONGODB_TIMEOUT_MS,
        connectTimeoutMS=config.MONGODB_TIMEOUT_MS,
        # The monitor notices a server that stopped answering within one of these (the default,
        # 10 s, left a request waiting on a hung server up to 12 s).
        heartbeatFrequencyMS=max(500, config.MONGODB_TIMEOUT_MS),
        uuidRepresentation="standard",
    )
    try:
        ensure_indexes()
    except ConnectionFailure as exc:
        log.error("Database unreachable at startup (%s); serving 503 until it answers", exc)


def _embedded_client_class():
    """mongomock's client, which only the embedded default needs (requirements-embedded.txt)."""
    try:
        from backend2.infra.embedded_mongo import IndexedMongoClient
    except ImportError as exc:
        raise ConfigError(f"MONGODB_URI is not set and the embedded database is not installed ({exc}): "
                          "set MONGODB_URI, or pip install -r requirements-embedded.txt") from None
    return IndexedMongoClient


def ensure_indexes():
    """Declare every model's indexes once per connection; raises ConnectionFailure if down."""
    if _IndexState.ready:
        return
    for model in ALL_MODELS:
        model.ensure_indexes()
    _IndexState.ready = True


def ping_database():
    """Raise when the database does not answer."""
    me.get_db().command("ping")
