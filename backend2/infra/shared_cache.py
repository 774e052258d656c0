"""In-process caches of database reads, which the writes of any process invalidate through Redis.

Each process keeps what it read recently (by kind: sessions, users, conversations' membership,
blocks) for at most CACHE_TTL_SECONDS. A service that changes something calls `forget(kind,
key)`: that drops it here and publishes it on one Redis channel, which every process listens
to and drops it too. So a revoked session, a removed member or a new block holds everywhere by
the time the request that made it has answered.

Nothing is served from a cache that could be stale without knowing it: while the listener is
not connected (Redis down, or reconnecting), every read goes to the database, and caches are
emptied whenever the listener (re)connects, since invalidations may have been missed. A read
that raced an invalidation of its kind is used but not kept. Without Redis (one process),
forgetting here is enough. CACHE_TTL_SECONDS=0 turns caching off. At most CACHE_MAX_ENTRIES are
kept: when full, the expired ones go, then the oldest until half is free, so a sweep comes at
most once per CACHE_MAX_ENTRIES / 2 new entries (an expired entry otherwise stays until it is
read again, so a process would keep one for every session and user it ever read).

Values that never change (when a message was sent) need no invalidation: `lasting` keeps the
latest RECENT_MESSAGES_KEPT of them by count, whatever the listener's state.

redis-py 8.1: `PubSub.get_message(timeout=...)` on a client of its own without a socket
timeout (the shared pool's timeouts and breaker are for commands, not for waiting).
"""
import logging
import threading
import time

import redis
from cachetools import LRUCache

log = logging.getLogger(__name__)
RECONNECT_SECONDS = 1.0


class SharedCache:
    def __init__(self):
        self.ttl, self.entries, self.epochs = 0, {}, {}
        self.max_entries = 1
        self.lasting = LRUCache(maxsize=0)
        self.publisher, self.channel = None, None
        self.listening = False
        self.generation = 0  # moves on each init_app: an older listener thread then stops

    def init_app(self, app, publisher, channel):
        """`publisher`: the shared Redis client (None: this process is alone)."""
        self.ttl = app.config["CACHE_TTL_SECONDS"]
        self.max_entries = app.config["CACHE_MAX_ENTRIES"]
        self.entries, self.epochs = {}, {}
        self.lasting = LRUCache(maxsize=max(0, app.config["RECENT_MESSAGES_KEPT"]))
        self.publisher, self.channel = publisher, channel
        self.generation += 1
        self.listening = publisher is None
        if publisher is not None and self.ttl > 0:
            url = app.config["REDIS_URL"]
            threading.Thread(target=self._listen, args=(url, self.generation), daemon=True,
                             name="cache-invalidations").start()

    @property
    def active(self):
        return self.ttl > 0 and self.listening

    def get(self, kind, key, load):
        """The cached value of (kind, key), or `load()`'s, kept when it is not None."""
        if not self.active:
            return load()
        key = str(key)
        entry = self.entries.get((kind, key))
        now = time.monotonic()
        if entry is not None and entry[0] > now:
            return entry[1]
        epoch = self.epochs.get(kind, 0)
        value = load()
        if value is not None and self.epochs.get(kind, 0) == epoch and self.active:
            if len(self.entries) >= self.max_entries and (kind, key) not in self.entries:
                self._make_room(now)
            self.entries[(kind, key)] = (now + self.ttl, value)
        return value

    def _make_room(self, now):
        # A copy first: in a worker, the invalidation listener's thread drops entries meanwhile.
        live = [(entry, held) for entry, held in list(self.entries.items()) if held[0] > now]
        half = self.max_entries // 2
        self.entries = dict(live[len(live) - half:] if len(live) > half else live)  # the newest, by when first kept

    def forget(self, kind, key=None):
        """Drop (kind, key), or every entry of `kind`, here and in every process."""
        self._drop(kind, key)
        if self.publisher is not None and self.ttl > 0:
            try:
                self.publisher.publish(self.channel, f"{kind}\t{key if key is not None else ''}")
            except redis.RedisError:
                # The other processes' listeners have lost Redis too, and serve nothing cached.
                log.warning("Could not publish a cache invalidation of %s %s", kind, key)

    def _drop(self, kind, key):
        self.epochs[kind] = self.epochs.get(kind, 0) + 1
        if key is None:
            self.entries = {entry: value for entry, value in list(self.entries.items()) if entry[0] != kind}
        else:
            self.entries.pop((kind, str(key)), None)

    def _listen(self, url, generation):
        while generation == self.generation:
            client = redis.Redis.from_url(url, health_check_interval=30)
            try:
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                self.entries = {}
                self.listening = True
                while generation == self.generation:
                    message = pubsub.get_message(timeout=1.0)
                    if message is not None:
                        kind, _, key = message["data"].decode().partition("\t")
                        self._drop(kind, key or None)
            except redis.RedisError as exc:
                if self.listening:
                    log.warning("Cache invalidations unreachable (%s): reading from the database until back", exc)
                self.listening = False
                self.entries = {}
                time.sleep(RECONNECT_SECONDS)
            finally:
                client.close()
