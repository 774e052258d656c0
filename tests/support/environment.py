"""Where the tests' services are: Redis, an optional real MongoDB, and the tokens' secret.

Redis is the real server at REDIS_URL (default redis://127.0.0.1:6379), always on database
TEST_REDIS_DB (13), which the tests own and flush, with the apps' keys and channels under
TEST_REDIS_NAMESPACE. TEST_MONGODB_URI (a server address without a database) makes every app
use a database of its own on that server instead of the embedded default.
"""
import os
from urllib.parse import urlsplit, urlunsplit

import redis as redis_lib


def _test_redis_url():
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379")
    return urlunsplit((parts.scheme, parts.netloc, "/" + os.environ.get("TEST_REDIS_DB", "13"), "", ""))


TEST_REDIS_URL = _test_redis_url()
# Publish/subscribe channels span a Redis server's databases, so each test database's apps
# use a namespace of their own: suites on different TEST_REDIS_DBs never hear each other.
TEST_REDIS_NAMESPACE = "b2test" + os.environ.get("TEST_REDIS_DB", "13")
TEST_MONGODB_URI = os.environ.get("TEST_MONGODB_URI", "").rstrip("/")
TEST_JWT_SECRET = "test-secret-" + "x" * 40


def redis_available():
    try:
        return redis_lib.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1).ping()
    except redis_lib.RedisError:
        return False
