"""One error vocabulary for REST and sockets: the codes, the exceptions, and the one mapping
from any exception to an error (`to_app_error`), which the HTTP handler turns into a JSON
response and the socket handlers into an error ack or `error` event.

Every code a client can get is a constant of `Codes`, with what it means; `/openapi.json` and
`docs/socket-events.md` list them from `ALL_CODES` (tests/unit/test_error_codes.py holds both
to it).
"""
import logging

from pymongo.errors import ConnectionFailure
from redis.exceptions import ConnectionError as RedisConnectionError, TimeoutError as RedisTimeoutError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class Code(str):
    """An error code: the text clients compare, and what it means."""

    def __new__(cls, text, meaning):
        code = super().__new__(cls, text)
        code.meaning = meaning
        return code


class Codes:
    # Requests and payloads
    BAD_REQUEST = Code("bad_request", "The request could not be understood")
    VALIDATION_ERROR = Code("validation_error", "A field, query parameter or payload failed validation; see details")
    INVALID_JSON = Code("invalid_json", "The body is not valid JSON")
    MALFORMED_PAYLOAD = Code("malformed_payload", "A socket payload is not JSON, or is nested too deeply")
    PAYLOAD_TOO_LARGE = Code("payload_too_large", "The body is larger than allowed")
    UNSUPPORTED_MEDIA_TYPE = Code("unsupported_media_type", "The body is not application/json")
    NOT_FOUND = Code("not_found", "No such path")
    METHOD_NOT_ALLOWED = Code("method_not_allowed", "The path does not take this method")
    HTTP_ERROR = Code("http_error", "Another HTTP-level failure; the status says which")
    TOO_MANY_REQUESTS = Code("too_many_requests", "Rate limit exceeded; wait for Retry-After")
    RATE_LIMITED = Code("rate_limited",
                        "This account's or connection's budget for this action is spent; wait retryAfter seconds")
    # Tokens and sign-in
    TOKEN_MISSING = Code("token_missing", "No bearer token")
    INVALID_TOKEN = Code("invalid_token", "The token is malformed, unsigned or wrongly signed")
    TOKEN_EXPIRED = Code("token_expired", "The token has expired")
    SESSION_REVOKED = Code("session_revoked", "The token's session has ended; sign in again")
    LEGACY_TOKEN_REJECTED = Code("legacy_token_rejected", "Tokens without a session are no longer accepted")
    NOT_A_LEGACY_TOKEN = Code("not_a_legacy_token", "Only an Express server's token can be upgraded")
    NOT_CONNECTED = Code("not_connected", "The socket is not signed in")
    INVALID_CREDENTIALS = Code("invalid_credentials", "Wrong phone, email or password")
    INVALID_CURRENT_PASSWORD = Code("invalid_current_password", "The current password is wrong or missing")
    SESSION_NOT_FOUND = Code("session_not_found", "No such session of the caller")
    TOO_MANY_DEVICES = Code("too_many_devices", "Signed in on MAX_DEVICES_PER_ACCOUNT devices already: sign in again "
                                                "with replaceSession, one of details.sessions")
    ACCOUNT_SUSPENDED = Code("account_suspended", "A moderator suspended this account")
    CONSOLE_SIGNED_OUT = Code("console_signed_out", "The moderator console's session is missing, ended or idle too long")
    CSRF_FAILED = Code("csrf_failed", "A console form came without its csrf_token, or with another session's")
    # Reports
    REPORT_NOT_FOUND = Code("report_not_found", "No such report")
    REPORT_RESOLVED = Code("report_resolved", "The report was resolved already; nothing was done")
    REPORT_ASSIGNED = Code("report_assigned", "The report is assigned already (to another moderator, or to you)")
    REPORT_HAS_NO_TARGET = Code("report_has_no_target",
                                "The report names no message, or no user, for this action; nothing was done")
    CANNOT_MODERATE_SELF = Code("cannot_moderate_self", "A moderator cannot suspend or delete their own account")
    ACCOUNT_ALREADY_DELETED = Code("account_already_deleted", "The account was deleted already")
    NOT_SUSPENDED = Code("not_suspended", "The account is not suspended")
    # One-time codes and phone numbers
    INVALID_PHONE = Code("invalid_phone", "Not a valid phone number")
    PHONE_TAKEN = Code("phone_taken", "This phone number (or email) already has an account")
    EMAIL_TAKEN = Code("email_taken", "This email already has an account")
    OTP_INVALID = Code("otp_invalid", "Wrong code")
    OTP_EXPIRED = Code("otp_expired", "The code expired, was used, or was never sent")
    OTP_LOCKED = Code("otp_locked", "Too many wrong codes; ask for a new one")
    OTP_RESEND_TOO_SOON = Code("otp_resend_too_soon", "A code was sent moments ago; wait for resendIn")
    OTP_DELIVERY_FAILED = Code("otp_delivery_failed", "The code could not be delivered")
    # People
    USER_NOT_FOUND = Code("user_not_found", "No such user, or one of you blocked the other")
    CANNOT_BLOCK_SELF = Code("cannot_block_self", "You cannot block yourself")
    # Conversations and chat requests
    CONVERSATION_NOT_FOUND = Code("conversation_not_found", "No such conversation of the caller")
    CANNOT_CHAT_WITH_SELF = Code("cannot_chat_with_self", "You cannot chat with yourself")
    CHAT_REQUEST_REQUIRED = Code("chat_request_required", "Not a contact: send a chat request first")
    CHAT_REQUEST_NOT_NEEDED = Code("chat_request_not_needed", "You can already chat with this user")
    CHAT_REQUEST_NOT_FOUND = Code("chat_request_not_found", "No such chat request of the caller")
    REQUESTS_CLOSED = Code("requests_closed", "This user takes chat requests only from people in their contacts")
    CHAT_REQUEST_CLOSED = Code("chat_request_closed", "The chat request was already answered or cancelled")
    NOT_A_GROUP = Code("not_a_group", "This is not a group conversation")
    ADMIN_REQUIRED = Code("admin_required", "Only group admins may do this")
    MEMBER_NOT_FOUND = Code("member_not_found", "Not a member of this group")
    ADMIN_NOT_FOUND = Code("admin_not_found", "Not an admin of this group")
    LAST_ADMIN = Code("last_admin", "A group needs at least one admin")
    GROUP_TOO_LARGE = Code("group_too_large", "More members than GROUP_MAX_MEMBERS")
    ADMINS_ONLY_SEND = Code("admins_only_send", "Only admins may send messages in this group (announcements)")
    INVITE_NOT_FOUND = Code("invite_not_found", "No such invite link, or it was revoked")
    TOO_MANY_PINNED_CHATS = Code("too_many_pinned_chats", "PINNED_CHATS_MAX conversations are pinned already")
    # Messages and receipts
    MESSAGE_NOT_FOUND = Code("message_not_found", "No such message of the caller's conversations")
    EMPTY_MESSAGE = Code("empty_message", "A message needs text, an attachment, a location or a contact")
    INVALID_REPLY = Code("invalid_reply", "replyTo is not a message of this conversation")
    INVALID_ATTACHMENT = Code("invalid_attachment", "An attachment is not a file uploaded to this server")
    INVALID_LINK_PREVIEW = Code("invalid_link_preview",
                                "linkPreview is not for the message's first link, or its image is not an uploaded image")
    SENDER_MISMATCH = Code("sender_mismatch", "'from' is not the signed-in user")
    BLOCKED = Code("blocked", "You cannot message this user")
    NOT_SENDER = Code("not_sender", "Only the sender may edit a message")
    NOT_EDITABLE = Code("not_editable", "This message cannot be edited (a call entry)")
    NOT_ALLOWED = Code("not_allowed", "Not allowed to do this to someone else's message or request")
    MESSAGE_DELETED = Code("message_deleted", "The message was deleted")
    EDIT_CONFLICT = Code("edit_conflict", "The message is being changed by another request; try again")
    INVALID_EMOJI = Code("invalid_emoji", "A reaction is exactly one emoji")
    TOO_MANY_REACTIONS = Code("too_many_reactions", "The message has REACTIONS_MAX_DISTINCT different emoji already")
    NOT_FORWARDABLE = Code("not_forwardable", "This message cannot be forwarded (a call or system entry)")
    INVALID_MENTION = Code("invalid_mention", "A mentioned user is not a member of this conversation")
    TOO_MANY_PINS = Code("too_many_pins", "PINS_MAX messages are pinned in this conversation already")
    INVALID_UP_TO = Code("invalid_up_to", "upTo is not a message of this conversation or an ISO time")
    # Files
    UNSUPPORTED_FILE_TYPE = Code("unsupported_file_type", "This kind of file is not allowed")
    FILE_TOO_LARGE = Code("file_too_large", "The file is larger than allowed")
    IMAGE_TOO_LARGE = Code("image_too_large", "The image has more pixels than IMAGE_MAX_PIXELS")
    FILE_NOT_FOUND = Code("file_not_found", "No such file, or not one the caller may see")
    LINK_INVALID = Code("link_invalid", "The file link was not made by this server, or was altered")
    LINK_EXPIRED = Code("link_expired", "The file link has expired: take a fresh one from the API")
    # Calls
    CALL_NOT_FOUND = Code("call_not_found", "No such call of the caller, or it has ended")
    CANNOT_CALL_SELF = Code("cannot_call_self", "You cannot call yourself")
    ALREADY_IN_CALL = Code("already_in_call", "You are already in a call")
    CALL_ALREADY_ANSWERED = Code("call_already_answered", "The call was already answered")
    CALL_CHANGING = Code("call_changing", "The call is changing; try again")
    NOT_CALLEE = Code("not_callee", "Only the callee may answer")
    NOT_CALL_DEVICE = Code("not_call_device", "Only the devices in the call may send candidates")
    INVALID_CONVERSATION = Code("invalid_conversation", "The conversation is not the two parties' direct chat")
    # The service
    DATABASE_UNAVAILABLE = Code("database_unavailable", "The database is unreachable; try again shortly")
    REDIS_UNAVAILABLE = Code("redis_unavailable", "Live state (presence, typing, calls) is unavailable; retry")
    STORAGE_UNAVAILABLE = Code("storage_unavailable", "File storage is unavailable; nothing was stored; retry")
    INTERNAL_ERROR = Code("internal_error", "Something failed on the server; nothing internal is shown")


ALL_CODES = tuple(value for value in vars(Codes).values() if isinstance(value, Code))


class AppError(Exception):
    """An error the client can act on: an HTTP status, a stable `code` and a message."""

    status = 400
    code = Codes.BAD_REQUEST
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
    code = Codes.VALIDATION_ERROR
    message = "Invalid request"

    @classmethod
    def for_fields(cls, details):
        """The error for schema messages {field: [messages]}, naming the fields."""
        return cls(f"Invalid fields: {', '.join(sorted(details))}", details=details)


class Unauthorized(AppError):
    status = 401
    code = Codes.INVALID_TOKEN
    message = "Authentication required"


class Forbidden(AppError):
    status = 403
    code = Codes.NOT_ALLOWED
    message = "Not allowed"


class NotFound(AppError):
    status = 404
    code = Codes.NOT_FOUND
    message = "Not found"


class Conflict(AppError):
    status = 409
    code = Codes.BAD_REQUEST
    message = "Conflict"


class PayloadTooLarge(AppError):
    status = 413
    code = Codes.PAYLOAD_TOO_LARGE
    message = "Request body is too large"


class UnsupportedMediaType(AppError):
    status = 415
    code = Codes.UNSUPPORTED_MEDIA_TYPE
    message = "Send the body as application/json"


class TooManyRequests(AppError):
    status = 429
    code = Codes.TOO_MANY_REQUESTS
    message = "Too many requests"

    def __init__(self, message=None, code=None, retry_after=None):
        headers = {"Retry-After": str(int(retry_after))} if retry_after else None
        super().__init__(message, code, headers=headers)
        self.retry_after = int(retry_after) if retry_after else None

    def to_dict(self):
        """With `retryAfter` (seconds), which a socket client has no header for."""
        return {**super().to_dict(), **({"retryAfter": self.retry_after} if self.retry_after else {})}


class BadGateway(AppError):
    status = 502
    code = Codes.OTP_DELIVERY_FAILED
    message = "An upstream service failed"


class ServiceUnavailable(AppError):
    status = 503
    code = Codes.DATABASE_UNAVAILABLE
    message = "Service temporarily unavailable"


# HTTP-level failures (routing, sizes the server refuses before us) by status.
HTTP_CODES = {400: Codes.BAD_REQUEST, 404: Codes.NOT_FOUND, 405: Codes.METHOD_NOT_ALLOWED,
              413: Codes.PAYLOAD_TOO_LARGE, 415: Codes.UNSUPPORTED_MEDIA_TYPE, 429: Codes.TOO_MANY_REQUESTS}


def to_app_error(exc):
    """Any exception as an AppError; unexpected ones are logged and hidden."""
    if isinstance(exc, AppError):
        return exc
    if isinstance(exc, HTTPException):
        error = AppError(exc.description or exc.name, code=HTTP_CODES.get(exc.code, Codes.HTTP_ERROR))
        error.status = exc.code or 500
        return error
    if isinstance(exc, ConnectionFailure):
        log.error("Database unreachable: %s", exc)
        return ServiceUnavailable("The database is unreachable; try again shortly", code=Codes.DATABASE_UNAVAILABLE)
    if isinstance(exc, (RedisConnectionError, RedisTimeoutError)):
        log.error("Redis unreachable: %s", exc)
        return ServiceUnavailable("Live state (presence, typing, calls) is unavailable; try again shortly",
                                  code=Codes.REDIS_UNAVAILABLE)
    log.exception("Unhandled error", exc_info=exc)
    error = AppError("Internal server error", code=Codes.INTERNAL_ERROR)
    error.status = 500
    return error
