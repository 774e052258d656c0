"""REST's side of the one error path: any exception becomes `{code, message, details?}` with
its status, through `errors.to_app_error` (which the socket handlers use too)."""
from flask import jsonify
from flask_limiter.errors import RateLimitExceeded

from backend2.errors import TooManyRequests, ValidationFailed, to_app_error
from backend2.middlewares.rate_limits import retry_after_seconds


def app_error(exc):
    """The AppError for any exception of a request, a broken rate limit with our Retry-After."""
    if isinstance(exc, RateLimitExceeded):  # Flask-Limiter's, on HTTP only
        exc = TooManyRequests(f"Rate limit exceeded ({exc.description}); slow down", retry_after=retry_after_seconds())
    return to_app_error(exc)


def error_response(exc):
    error = app_error(exc)
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
