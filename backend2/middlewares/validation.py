"""Request bodies: JSON only, bounded in size and depth, then the schema (apifairy)."""
from functools import wraps

from apifairy import arguments as apifairy_arguments
from apifairy import body as apifairy_body
from flask import current_app, request
from werkzeug.exceptions import BadRequest

from backend2.errors import Codes, PayloadTooLarge, UnsupportedMediaType, ValidationFailed


def json_or_none():
    """The parsed JSON body, or None when there is none or it cannot be parsed."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        return None


def _check_json_request():
    if request.content_length and request.content_length > current_app.config["JSON_MAX_BYTES"]:
        raise PayloadTooLarge()
    if not request.get_data(cache=True):
        return  # no body: the schema decides whether that is enough
    if not request.is_json:
        raise UnsupportedMediaType()
    try:
        request.get_json()
    except (BadRequest, RecursionError, ValueError):
        raise ValidationFailed("The body is not valid JSON", code=Codes.INVALID_JSON)


def json_body(schema, **kwargs):
    """Like apifairy's `@body`, but refuses non-JSON, oversized or unparseable bodies first."""

    def decorator(view):
        parsed = apifairy_body(schema, **kwargs)(view)

        @wraps(parsed)
        def checked(*args, **kw):
            _check_json_request()  # before webargs parses, which would crash on deep JSON
            return parsed(*args, **kw)

        return checked

    return decorator


def query_args(schema):
    """apifairy's `@arguments` for the query string, refusing unknown parameters.

    webargs ignores unknown query parameters by default; `unknown=None` hands the choice
    back to the schema, whose Meta says RAISE.
    """
    return apifairy_arguments(schema, unknown=None)


def file_body(schema):
    """apifairy's multipart `@body` for file uploads, which reads only the file parts: any other
    form field is refused as unknown, as unknown JSON fields are."""

    def decorator(view):
        parsed = apifairy_body(schema, location="files", media_type="multipart/form-data")(view)

        @wraps(parsed)
        def checked(*args, **kw):
            if request.form:
                raise ValidationFailed.for_fields({name: ["Unknown field."] for name in request.form})
            return parsed(*args, **kw)

        return checked

    return decorator
