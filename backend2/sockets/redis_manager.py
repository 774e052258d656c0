"""python-socketio's Redis manager with one bounded, waiting connection pool.

The stock manager builds its client with `Redis.from_url`, whose pool (redis-py 8) refuses
connection number 101 with "Too many connections"; the failed publish then reconnects with
a brand-new client and pool, and gives the message up on the second failure. From about 200
busy clients that becomes a reconnect storm with messages at risk. Here every publish shares
one BlockingConnectionPool of REDIS_POOL_SIZE connections that waits for a free one, and a
reconnect reuses it.
"""
import socketio

from backend2.extensions import bounded_redis


class BoundedRedisManager(socketio.RedisManager):
    def __init__(self, url, pool_size, **kwargs):
        super().__init__(url, **kwargs)
        self._client = bounded_redis(url, pool_size)

    def _redis_connect(self):
        self.redis = self._client
        self.pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        self.connected = True
