"""Optional error reporting to Sentry (sentry-sdk 2.75, its Flask integration) with SENTRY_DSN.

An unexpected exception is logged with its traceback (`log.exception`), and the logging
integration makes that log record a Sentry event. Nothing private leaves: no request bodies,
cookies, headers but a few harmless ones, query strings (which may hold `token`), local
variables, log parameters (the values interpolated into a log line), exception messages (a
database error may quote a document) or breadcrumbs; only where it failed (the exception's
type and stack, the route, the log line's template). `scrub` is the last check on every event.
"""
import logging

SAFE_HEADERS = {"host", "user-agent", "content-type", "content-length", "x-request-id"}
REDACTED = "[redacted]"


def init_error_reporting(config):
    if not config.SENTRY_DSN:
        return False
    # Imported only when reporting is on: sentry-sdk and its integrations weigh about 25 MB.
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=config.SENTRY_DSN,
        environment=config.SENTRY_ENVIRONMENT,
        traces_sample_rate=config.SENTRY_TRACES_SAMPLE_RATE,
        data_collection={"user_info": False, "http_bodies": [], "database_query_data": False,
                         "stack_frame_variables": False},
        max_breadcrumbs=0,
        integrations=[FlaskIntegration(), LoggingIntegration(level=None, event_level=logging.ERROR)],
        before_send=scrub,
    )
    return True


def scrub(event, hint=None):
    """The event with everything that could be private taken out."""
    request = event.get("request") or {}
    for key in ("data", "cookies", "query_string", "env"):
        request.pop(key, None)
    if "headers" in request:
        request["headers"] = {name: value for name, value in request["headers"].items()
                              if name.lower() in SAFE_HEADERS}
    if "url" in request:
        request["url"] = request["url"].split("?", 1)[0]
    logentry = event.get("logentry") or event.get("message")
    if isinstance(logentry, dict):
        logentry.pop("params", None)
        logentry["formatted"] = logentry.get("message", "")
    for exception in (event.get("exception") or {}).get("values", []):
        exception["value"] = REDACTED
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    event.pop("breadcrumbs", None)
    event.pop("user", None)
    event.get("extra", {}).clear()
    return event
