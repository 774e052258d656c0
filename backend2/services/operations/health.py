"""What /health reports: each dependency's reachability, the version, the uptime, the push
counters and the background jobs (queued, dead letters, outcomes)."""
import time

from backend2.database import ping_database
from backend2.extensions import jobs, push_gateways, redis_store
from backend2.services.people import legacy_tokens
from backend2.services.push import push_state
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
        "jobs": job_counts() or {"error": "unreachable"},
        "legacyTokens": legacy_tokens.usage(),
    }


def push_counts():
    """{sent, failed, retried, droppedTokens, dropped, queued} across every process; {} while Redis is down."""
    try:
        return {**push_state.stats(), "queued": jobs.depth()["push"]}
    except Exception:
        return {}


def job_counts():
    """{queued: {queue: waiting}, deadLetters, outcomes: {done, failed, retried, dead}}; {} while Redis is down."""
    try:
        depth = jobs.depth()
        return {"queued": {queue: n for queue, n in depth.items() if queue != "deadLetters"},
                "deadLetters": depth["deadLetters"], "outcomes": jobs.counts()}
    except Exception:
        return {}


def _push_report():
    report = {"enabled": push_gateways.enabled, "providers": sorted(push_gateways.by_provider)}
    counts = push_counts()
    return {**report, **counts} if counts else {**report, "error": "unreachable"}
