"""python-socketio's Redis manager with one bounded, waiting connection pool.

The stock manager builds its client with `Redis.from_url`, whose pool (redis-py 8) refuses
connection number 101 with "Too many connections"; the failed publish then reconnects with
a brand-new client and pool, and gives the message up on the second failure. From about 200
busy clients that becomes a reconnect storm with messages at risk. Here every publish shares
one BlockingConnectionPool of REDIS_POOL_SIZE connections that waits for a free one, and a
reconnect reuses it.

The stock listener also doubles its wait after each failed reconnect, up to a minute, so after
a Redis outage of some seconds, events from other processes stayed lost for as long again.
This one tries again every LISTEN_RETRY_SECONDS. Each attempt subscribes on a new PubSub,
closed when the attempt fails so that its connection goes back to the pool. A publish that
reconnects no longer touches it (the stock `_redis_connect` also replaced `self.pubsub` with a
fresh, unsubscribed one, under a listener about to use it).

`emit_each` sends several emits to the other processes in one publish: an `emit` message with a
`batch` of the stock emit messages, so a group message costs one publish whatever its copies.
"""
import time

import socketio

from backend2.infra.redis_pools import bounded_redis


class BoundedRedisManager(socketio.RedisManager):
    LISTEN_RETRY_SECONDS = 2

    def __init__(self, url, pool_size, timeout_ms, **kwargs):
        super().__init__(url, **kwargs)
        self._client = bounded_redis(url, pool_size, timeout_ms)

    def emit_each(self, emits, namespace="/"):
        batch = [{"method": "emit", "event": event, "data": [data], "binary": False, "namespace": namespace,
                  "room": rooms, "skip_sid": None, "callback": None, "host_id": self.host_id}
                 for event, data, rooms in emits]
        for message in batch:
            super()._handle_emit(message)  # this process's devices
        self._publish({"method": "emit", "batch": batch, "host_id": self.host_id})

    def _handle_emit(self, message):
        for one in message.get("batch") or [message]:
            super()._handle_emit(one)

    def _redis_connect(self):
        self.redis = self._client
        self.connected = True

    def _redis_listen_with_retries(self):
        while True:
            self.pubsub = self._client.pubsub(ignore_subscribe_messages=True)
            try:
                self.pubsub.subscribe(self.channel)
                yield from self.pubsub.listen()
            except Exception as exc:
                self._get_logger().error("Cannot receive from redis... retrying in %s secs", self.LISTEN_RETRY_SECONDS,
                                         extra={"redis_exception": str(exc)})
            self.pubsub.close()  # listen() only ends on an error, or on an unsubscribe nobody sends
            time.sleep(self.LISTEN_RETRY_SECONDS)
