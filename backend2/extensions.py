"""The extension objects, created unbound; `create_app` binds them."""
import fakeredis
import redis
from apifairy import APIFairy
from flask import current_app
from flask_cors import CORS
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_marshmallow import Marshmallow
from flask_socketio import SocketIO

from backend2.api_docs import add_shared_errors
from backend2.redis_breaker import BreakerPool

apifairy = APIFairy()
apifairy.process_apispec(add_shared_errors)
cors = CORS()
jwt = JWTManager()
# Limits are read from the app's config per request, so each app has its own defaults.
limiter = Limiter(key_func=get_remote_address,
                  default_limits=[lambda: current_app.config["RATE_LIMIT_DEFAULT"]])
ma = Marshmallow()
socketio = SocketIO()


def bounded_redis(url, size, timeout_ms):
    """A client whose pool waits for a free connection instead of failing past `size`, and
    fails fast for a moment after Redis did not answer within `timeout_ms` (redis_breaker).

    redis-py's default pool raises "Too many connections" past 100 checked out at once, which
    hundreds of busy greenlets reach; so does fakeredis's, which uses the same pool.
    """
    pool = BreakerPool.for_url(
        url, max_connections=size, timeout=10, socket_timeout=timeout_ms / 1000,
        socket_connect_timeout=timeout_ms / 1000, socket_keepalive=True, health_check_interval=30,
    )
    return redis.Redis(connection_pool=pool)


def in_process_redis(size):
    """The same commands in this process's memory (fakeredis), with the same bounded pool."""
    pool = redis.BlockingConnectionPool(connection_class=fakeredis.FakeRedisConnection, server=fakeredis.FakeServer(),
                                        max_connections=size, timeout=10)
    return redis.Redis(connection_pool=pool)


class RedisHolder:
    """`client`: the configured Redis, or None. `state`: where shared state lives, which is
    that Redis or, without REDIS_URL, an in-process fake with the same commands. `key(...)`
    names a key of this deployment: REDIS_NAMESPACE keeps deployments sharing one Redis apart."""

    client = None
    state = None
    namespace = "b2"

    def init_app(self, app):
        url = app.config["REDIS_URL"]
        self.client = bounded_redis(url, app.config["REDIS_POOL_SIZE"], app.config["REDIS_TIMEOUT_MS"]) if url else None
        self.state = self.client or in_process_redis(app.config["REDIS_POOL_SIZE"])
        self.namespace = app.config["REDIS_NAMESPACE"]

    def key(self, *parts):
        return ":".join([self.namespace, *map(str, parts)])


redis_store = RedisHolder()
