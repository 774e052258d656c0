"""Sends that are stored but may not have reached the other devices: the insert ended in a
database error after it may have been applied, or a receiver of the new message raised.

A write that times out can still be applied by the database. The app then retries with the
same clientId, finds the message stored, and acks it; but the first attempt never announced it,
so without this the other devices would only see it at their next sync. The failed attempt
leaves a mark in Redis, and the retry that finds the stored copy announces it if the mark is
there. A retry after a send that did announce finds no mark, so nobody gets an event twice.
(One case still can: the first attempt failed before its write was applied, a retry stored
and announced it, and yet another retry then takes the mark. That needs two lost replies in a
row, and costs one repeated event, never a lost one.)

A send one of whose receivers raised (services/support/announce.py) is marked the same way, and its
retry announces it again to every receiver: the devices the first announcement did reach get
the message event twice (with the same id), the others get it then or at their next sync.
"""
import logging

from redis.exceptions import RedisError

from backend2.extensions import redis_store

log = logging.getLogger(__name__)
MARK_SECONDS = 24 * 3600  # longer than any app keeps retrying one send


def _key(sender_id, client_id):
    return redis_store.key("unannounced", sender_id, client_id)


def remember(sender_id, client_id):
    try:
        redis_store.state.set(_key(sender_id, client_id), 1, ex=MARK_SECONDS)
    except RedisError:
        log.error("Send %s/%s may be stored unannounced, and Redis cannot keep that", sender_id, client_id)


def take(sender_id, client_id):
    """True once for a marked send, which the caller must now announce. Without Redis the
    retry is still acked: the other devices then see the message at their next sync."""
    try:
        return bool(redis_store.state.delete(_key(sender_id, client_id)))
    except RedisError:
        return False
