"""Liveness and readiness, for the platform's health checks (not rate limited)."""
from apifairy import response
from flask import Blueprint

from backend2.extensions import limiter
from backend2.schemas.common import NoticeSchema
from backend2.schemas.health import HealthSchema
from backend2.services.operations.health import health_report

health_bp = Blueprint("health", __name__)


@health_bp.get("/ping")
@limiter.exempt
@response(NoticeSchema)
def ping():
    """Liveness: the process answers"""
    return {"message": "pong"}


@health_bp.get("/health")
@limiter.exempt
@response(HealthSchema)
def health():
    """Readiness: database and Redis reachability, version, uptime (503 without a database)"""
    report = health_report()
    return report, 200 if report["database"]["ok"] else 503
