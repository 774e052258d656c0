"""The extension objects, created unbound; `create_app` binds them."""
import redis
from flask import current_app
from apifairy import APIFairy
from flask_cors import CORS
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_marshmallow import Marshmallow
from flask_socketio import SocketIO

apifairy = APIFairy()
cors = CORS()
jwt = JWTManager()
# Limits are read from the app's config per request, so each app has its own defaults.
limiter = Limiter(key_func=get_remote_address,
                  default_limits=[lambda: current_app.config["RATE_LIMIT_DEFAULT"]])
ma = Marshmallow()
socketio = SocketIO()


class RedisHolder:
    """The shared Redis client, or None when REDIS_URL is unset."""

    client = None

    def init_app(self, app):
        url = app.config["REDIS_URL"]
        self.client = redis.Redis.from_url(
            url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=30
        ) if url else None


redis_store = RedisHolder()
