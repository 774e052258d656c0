"""What /health reports: each dependency's reachability, the version, the uptime and the push
queue's counters."""
import time

from backend2.database import ping_database
from backend2.extensions import push_gateways, redis_store
from backend2.services.people import legacy_tokens
from backend2.services.push import push_queue
from backend2.version import VERSION

STARTED = time.monotonic()


def _probe(check):
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # any failure means "unreachable"; the name says which
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "latencyMs": round((time.perf_counter() - started) * 1000, 2)}


def health_report():
    database = _probe(ping_database)
    client = redis_store.client
    redis = {"configured": False, "ok": True} if client is None else {"configured": True, **_probe(client.ping)}
    status = "ok" if database["ok"] and redis["ok"] else ("degraded" if database["ok"] else "down")
    return {
        "status": status,
        "version": VERSION,
        "uptimeSeconds": round(time.monotonic() - STARTED, 1),
        "database": database,
        "redis": redis,
        "push": _push_report(),
        "legacyTokens": legacy_tokens.usage(),
    }


def push_counts():
    """{sent, failed, retried, droppedTokens, dropped, queued} across every process; {} while Redis is down."""
    try:
        return push_queue.stats()
    except Exception:
        return {}


def _push_report():
    report = {"enabled": push_gateways.enabled, "providers": sorted(push_gateways.by_provider)}
    try:
        return {**report, **push_queue.stats()}
    except Exception as exc:  # Redis down: the counters live there
        return {**report, "error": type(exc).__name__}
