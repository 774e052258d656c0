"""The one path from an exception to an error response: `{code, message, details?}`."""
import logging
import re

from flask import jsonify
from flask_limiter.errors import RateLimitExceeded
from pymongo.errors import ConnectionFailure
from redis.exceptions import ConnectionError as RedisConnectionError, TimeoutError as RedisTimeoutError
from werkzeug.exceptions import HTTPException

from backend2.errors import AppError, ServiceUnavailable, TooManyRequests, ValidationFailed
from backend2.middlewares.rate_limits import retry_after_seconds

log = logging.getLogger(__name__)


def _snake(name):
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def to_app_error(exc):
    """Any exception as an AppError; unexpected ones are logged and hidden."""
    if isinstance(exc, AppError):
        return exc
    if isinstance(exc, RateLimitExceeded):
        return TooManyRequests(f"Rate limit exceeded ({exc.description}); slow down",
                               retry_after=retry_after_seconds())
    if isinstance(exc, HTTPException):
        error = AppError(exc.description or exc.name, code=_snake(exc.name))
        error.status = exc.code or 500
        return error
    if isinstance(exc, ConnectionFailure):
        log.error("Database unreachable: %s", exc)
        return ServiceUnavailable("The database is unreachable; try again shortly", code="database_unavailable")
    if isinstance(exc, (RedisConnectionError, RedisTimeoutError)):
        log.error("Redis unreachable: %s", exc)
        return ServiceUnavailable("Live state (presence, typing, calls) is unavailable; try again shortly",
                                  code="redis_unavailable")
    log.exception("Unhandled error", exc_info=exc)
    error = AppError("Internal server error", code="internal_error")
    error.status = 500
    return error


def error_response(exc):
    error = to_app_error(exc)
    response = jsonify(error.to_dict())
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


def register_error_handlers(app, apifairy):
    app.register_error_handler(Exception, error_response)

    @apifairy.error_handler
    def validation_error(status, messages):
        """webargs reports {location: {field: [messages]}}; clients only need the fields."""
        details = {}
        for location_errors in messages.values():
            details.update(location_errors if isinstance(location_errors, dict) else {"_schema": location_errors})
        return ValidationFailed.for_fields(details).to_dict(), 400
