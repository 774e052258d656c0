"""Redis connection pools: bounded and waiting (redis-py 8.1.0), with the breaker; or in memory.

tests/system/test_faults.py (a hung and a stopped Redis) and tests/system/test_multiprocess.py
(hundreds of busy clients) would catch a redis-py upgrade changing how these pools behave.
"""
import redis

from backend2.infra.redis_breaker import BreakerPool


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
    """The same commands in this process's memory (fakeredis), with the same bounded pool.

    fakeredis is installed only where the embedded default is used (requirements-embedded.txt).
    """
    import fakeredis

    pool = redis.BlockingConnectionPool(connection_class=fakeredis.FakeRedisConnection, server=fakeredis.FakeServer(),
                                        max_connections=size, timeout=10)
    return redis.Redis(connection_pool=pool)
