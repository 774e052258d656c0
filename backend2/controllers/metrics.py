"""Prometheus metrics of the process that answers (each process exposes its own).

`GET /metrics` answers a scraper that sends `Authorization: Bearer <METRICS_TOKEN>`; without
METRICS_TOKEN it is 404 (set METRICS_PORT to serve them on a port of their own instead). See
`backend2/infra/metrics.py` for what is measured.
"""
import hmac

from flask import Blueprint, Response, current_app, request

from backend2.errors import Codes, NotFound, Unauthorized
from backend2.extensions import limiter
from backend2.infra import metrics
from backend2.services.messages.link_previews import refusal_counts
from backend2.services.operations.health import job_counts, push_counts

metrics_bp = Blueprint("metrics", __name__)


@metrics_bp.get("/metrics")
@limiter.exempt
def scrape():
    """Prometheus metrics (text format), for a scraper holding METRICS_TOKEN"""
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        raise NotFound("No such path", code=Codes.NOT_FOUND)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise Unauthorized("Metrics need the METRICS_TOKEN bearer token", code=Codes.INVALID_TOKEN)
    for outcome, value in push_counts().items():
        metrics.push_totals.labels(outcome).set(value)
    found = job_counts()
    for queue, waiting in found.get("queued", {}).items():
        metrics.jobs_queued.labels(queue).set(waiting)
    if "deadLetters" in found:
        metrics.jobs_dead_letters.set(found["deadLetters"])
    for outcome, value in found.get("outcomes", {}).items():
        metrics.jobs_totals.labels(outcome).set(value)
    for reason, value in refusal_counts().items():
        metrics.link_preview_refusals.labels(reason).set(value)
    return Response(metrics.exposition(), mimetype=metrics.CONTENT_TYPE)
