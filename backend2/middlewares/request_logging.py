"""One log line per request: method, path, status, duration and a request id."""
import logging
import time
import uuid

from flask import g, request

log = logging.getLogger("backend2.requests")


def register_request_logging(app):
    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()
        g.request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex

    @app.after_request
    def log_request(response):
        started = g.get("request_started")
        elapsed_ms = (time.perf_counter() - started) * 1000 if started else 0.0
        response.headers["X-Request-ID"] = g.get("request_id", "")
        log.info("%s %s %s %.1fms id=%s", request.method, request.path, response.status_code,
                 elapsed_ms, g.get("request_id", ""))
        return response
