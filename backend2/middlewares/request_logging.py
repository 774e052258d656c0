"""One log line and the metrics per request: method, route, status, duration, request id and
the signed-in user (fields of their own in LOG_FORMAT=json)."""
import logging
import time
import uuid

from flask import g, request

from backend2.infra import metrics

log = logging.getLogger("backend2.requests")


def register_request_logging(app):
    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()
        g.request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex

    @app.after_request
    def log_request(response):
        started = g.get("request_started")
        elapsed = time.perf_counter() - started if started else 0.0
        route = request.url_rule.rule if request.url_rule else "unmatched"
        metrics.http_requests.labels(request.method, route, str(response.status_code)).inc()
        metrics.http_seconds.labels(request.method, route).observe(elapsed)
        response.headers["X-Request-ID"] = g.get("request_id", "")
        caller = g.get("flask_httpauth_user")
        fields = {"requestId": g.get("request_id", ""), "userId": str(caller.user.id) if caller else None,
                  "method": request.method, "route": route, "status": response.status_code,
                  "durationMs": round(elapsed * 1000, 1)}
        log.info("%s %s %s %.1fms id=%s", request.method, request.path, response.status_code, elapsed * 1000,
                 fields["requestId"], extra={"fields": fields})
        return response
