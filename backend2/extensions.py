"""The extension objects, created unbound; `create_app` binds them."""
import redis
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
limiter = Limiter(key_func=get_remote_address)
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
