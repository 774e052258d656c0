"""Seeing the service run: log format, Prometheus metrics, error reporting. All optional.

- LOG_FORMAT: `text` (default) or `json` (one object per line).
- METRICS_TOKEN: `GET /metrics` answers a scraper sending `Authorization: Bearer <token>`
  (24 characters or more); METRICS_PORT: or serve them unauthenticated on a port of their own,
  one the platform does not expose. Neither: `/metrics` is 404.
- SENTRY_DSN: report unexpected errors to Sentry (or a compatible service), with
  SENTRY_ENVIRONMENT and SENTRY_TRACES_SAMPLE_RATE (default 0: errors only).
"""
LOG_FORMATS = ("text", "json")
MIN_METRICS_TOKEN_LENGTH = 24


def read_observability_settings(config, get):
    config.LOG_FORMAT = get("LOG_FORMAT", "text").lower()
    config.METRICS_TOKEN = get("METRICS_TOKEN", "")
    config.METRICS_PORT = int(get("METRICS_PORT", 0) or 0)
    config.SENTRY_DSN = get("SENTRY_DSN", "")
    config.SENTRY_ENVIRONMENT = get("SENTRY_ENVIRONMENT", config.APP_ENV)
    config.SENTRY_TRACES_SAMPLE_RATE = float(get("SENTRY_TRACES_SAMPLE_RATE", 0))


def observability_problems(config):
    found = []
    if config.LOG_FORMAT not in LOG_FORMATS:
        found.append(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}")
    if config.METRICS_TOKEN and len(config.METRICS_TOKEN) < MIN_METRICS_TOKEN_LENGTH:
        found.append(f"METRICS_TOKEN is shorter than {MIN_METRICS_TOKEN_LENGTH} characters")
    if not 0 <= config.SENTRY_TRACES_SAMPLE_RATE <= 1:
        found.append("SENTRY_TRACES_SAMPLE_RATE must be between 0 and 1")
    return found
