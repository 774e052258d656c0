"""Domain errors raised by services; one handler turns them into HTTP JSON or socket acks."""


class AppError(Exception):
    """An error the client can act on: an HTTP status, a stable `code` and a message."""

    status = 400
    code = "bad_request"
    message = "Bad request"

    def __init__(self, message=None, code=None, details=None, headers=None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.code = code or self.code
        self.details = details
        self.headers = headers or {}

    def to_dict(self):
        body = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class ValidationFailed(AppError):
    status = 400
    code = "validation_error"
    message = "Invalid request"

    @classmethod
    def for_fields(cls, details):
        """The error for schema messages {field: [messages]}, naming the fields."""
        return cls(f"Invalid fields: {', '.join(sorted(details))}", details=details)


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"
    message = "Authentication required"


class Forbidden(AppError):
    status = 403
    code = "forbidden"
    message = "Not allowed"


class NotFound(AppError):
    status = 404
    code = "not_found"
    message = "Not found"


class Conflict(AppError):
    status = 409
    code = "conflict"
    message = "Conflict"


class PayloadTooLarge(AppError):
    status = 413
    code = "payload_too_large"
    message = "Request body is too large"


class UnsupportedMediaType(AppError):
    status = 415
    code = "unsupported_media_type"
    message = "Send the body as application/json"


class TooManyRequests(AppError):
    status = 429
    code = "too_many_requests"
    message = "Too many requests"

    def __init__(self, message=None, code=None, retry_after=None):
        headers = {"Retry-After": str(int(retry_after))} if retry_after else None
        super().__init__(message, code, headers=headers)


class BadGateway(AppError):
    status = 502
    code = "upstream_failed"
    message = "An upstream service failed"


class ServiceUnavailable(AppError):
    status = 503
    code = "service_unavailable"
    message = "Service temporarily unavailable"
