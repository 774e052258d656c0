"""Building blocks shared by every schema."""
import time
from collections.abc import Mapping

from flask import current_app
from marshmallow import RAISE, ValidationError, fields, pre_load, validate

from backend2.extensions import ma
from backend2.utils.links import signed
from backend2.utils.text import has_visible_text
from backend2.utils.time import iso
from backend2.utils.views import Presented


class InputSchema(ma.Schema):
    """A request body or query string: unknown fields are refused.

    `ALIASES` maps the other app's field names to ours, e.g. {"phoneNumber": "phone"}.
    Sending both names with different values is an error rather than a silent choice.
    """

    ALIASES = {}

    class Meta:
        unknown = RAISE

    @pre_load
    def refuse_broken_text(self, data, **kwargs):
        """JSON may escape half of a UTF-16 pair (`"\\ud800"`): no text, and the database
        cannot store it. Refused here, for REST bodies and socket payloads alike."""
        if isinstance(data, Mapping):
            broken = [key for key, value in data.items() if _has_lone_surrogate(value)]
            if broken:
                raise ValidationError({key: ["Not valid Unicode text."] for key in broken})
        return data

    @pre_load
    def apply_aliases(self, data, **kwargs):
        if not isinstance(data, Mapping) or not self.ALIASES:  # query strings come as MultiDictProxy
            return data
        data = dict(data)
        for alias, name in self.ALIASES.items():
            if alias not in data:
                continue
            value = data.pop(alias)
            if name in data and data[name] != value:
                raise ValidationError(f"Conflicts with '{name}'", alias)
            data[name] = value
        return data


def _has_lone_surrogate(value):
    if isinstance(value, str):
        return not value.isascii() and any("\ud800" <= char <= "\udfff" for char in value)
    if isinstance(value, Mapping):
        return any(_has_lone_surrogate(key) or _has_lone_surrogate(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(item) for item in value)
    return False


class PresentedReading:
    """For output schemas of `Presented` views (utils/views.py): a value is read from the view
    in one call, instead of marshmallow's lookup for any object (a dotted-path check, `hasattr`,
    a subscript, then `getattr` on a miss): a fifth of a message's dump. Anything else is read
    as marshmallow reads it."""

    def get_attribute(self, obj, attr, default):
        if type(obj) is Presented:
            return obj.value_of(attr, default)
        return super().get_attribute(obj, attr, default)


class Timestamp(fields.DateTime):
    """A UTC time written as JavaScript's toISOString() writes it."""

    def _serialize(self, value, attr, obj, **kwargs):
        return iso(value)


class MediaLink(fields.String):
    """A stored file's link as the API hands it out: ours carry a signed `exp` and `sig`, so an
    image tag or a download manager fetches them without a header (UPLOAD_LINK_TTL_SECONDS)."""

    def _serialize(self, value, attr, obj, **kwargs):
        config = current_app.config
        return signed(value, f"{config['PUBLIC_URL']}/uploads/", config["JWT_SECRET"],
                      config["UPLOAD_LINK_TTL_SECONDS"], time.time())


class ObjectIdString(fields.String):
    """An ObjectId written as its 24-character hex string."""


def id_fields():
    """`id` and `_id`, both the document id as a string: each app reads one of them."""
    return {
        "id": ObjectIdString(dump_only=True),
        "_id": ObjectIdString(attribute="id", dump_only=True),
    }


class NoticeSchema(ma.Schema):
    """A confirmation for people: `{message}`."""

    message = fields.String(required=True)


class PageQuerySchema(InputSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PaginationSchema(ma.Schema):
    page = fields.Integer()
    limit = fields.Integer()
    total = fields.Integer()
    hasMore = fields.Boolean()


def object_id_field(**kwargs):
    """An input field holding a 24-hex-digit document id."""
    return fields.String(validate=validate.Regexp(r"^[0-9a-fA-F]{24}$", error="Not a valid id"), **kwargs)


def url_field(**kwargs):
    """An input field holding an image URL: http(s) or one of our /uploads/ paths; null clears it."""
    return fields.String(allow_none=True, validate=validate.Regexp(
        r"^(https?://|/uploads/)\S{1,2000}$", error="Must be an http(s) URL or an /uploads/ path"), **kwargs)


def _visible(value):
    if not has_visible_text(value):
        raise ValidationError("Must contain a visible character")


def display_name_field(max_length, **kwargs):
    """A person's or a group's name: 1 to `max_length` characters, at least one of them visible."""
    return fields.String(validate=[validate.Length(min=1, max=max_length), _visible], **kwargs)


class Trimmed(fields.String):
    """Text without the spaces around it, measured after they are gone."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


def reason_field():
    """Why a moderator acts, kept in the audit log: required for every action, in the console's
    forms and /admin's bodies alike, 3 to 500 characters once trimmed (spaces alone are no reason)."""
    return Trimmed(required=True, validate=validate.Length(min=3, max=500),
                   metadata={"description": "Why: 3 to 500 characters, kept in the audit log"})


class ReasonSchema(InputSchema):
    """A moderator action that needs nothing but its reason."""
    reason = reason_field()
