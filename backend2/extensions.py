"""The extension objects, created unbound; `create_app` binds them."""
from apifairy import APIFairy
from flask import current_app
from flask_cors import CORS
from flask_jwt_extended import JWTManager
from flask_limiter import ApplicationLimit, Limit
from flask_limiter.util import get_remote_address
from flask_marshmallow import Marshmallow
from flask_socketio import SocketIO

from backend2.api_docs import add_shared_errors
from backend2.infra import limit_storage  # noqa: F401  registers swept-memory:// with limits
from backend2.infra.jobs import Jobs
from backend2.infra.push_gateways import PushGateways
from backend2.infra.redis_pools import bounded_redis, in_process_redis
from backend2.infra.request_limiter import RequestLimiter
from backend2.infra.shared_cache import SharedCache
from backend2.infra.storage import StorageHolder
from backend2.middlewares.limit_keys import account_or_address
from config import ConfigError

apifairy = APIFairy()
apifairy.process_apispec(add_shared_errors)
cors = CORS()
jwt = JWTManager()


# Limits are read from the app's config per request, so each app has its own defaults.
limiter = RequestLimiter(key_func=get_remote_address,
                         default_limits=[Limit(lambda: current_app.config["RATE_LIMIT_DEFAULT"],
                                               key_function=account_or_address)],
                         application_limits=[ApplicationLimit(lambda: current_app.config["RATE_LIMIT_PER_ADDRESS"],
                                                              key_function=get_remote_address, scope="per-address")])
ma = Marshmallow()
socketio = SocketIO()


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
        try:
            self.state = self.client or in_process_redis(app.config["REDIS_POOL_SIZE"])
        except ImportError as exc:
            raise ConfigError(f"REDIS_URL is not set and the in-memory stand-in is not installed ({exc}): "
                              "set REDIS_URL, or pip install -r requirements-embedded.txt") from None
        self.namespace = app.config["REDIS_NAMESPACE"]
        self._scripts = {}

    def key(self, *parts):
        return ":".join([self.namespace, *map(str, parts)])

    def script(self, source):
        """`source` (Lua) as a script on `state`, called by its SHA1 (one command, however many keys)."""
        if source not in self._scripts:
            self._scripts[source] = self.state.register_script(source)
        return self._scripts[source]


redis_store = RedisHolder()
shared_cache = SharedCache()  # services/support/cached.py: what it holds and who forgets it
storage = StorageHolder()
push_gateways = PushGateways()
jobs = Jobs()  # background work on Dramatiq: backend2/actors.py lists the jobs
