"""The moderator console's forms and query strings (the `csrf_token` field is checked, and
taken out, before these load). Empty fields are as good as absent, as browsers send them."""
from marshmallow import fields, pre_load, validate

from backend2.schemas.common import InputSchema, reason_field
from backend2.schemas.reports import REASONS, SUSPENSION_HOURS

VIEWS = ("open", "mine", "resolved")
AGES = {"": "any age", "1": "older than 1 hour", "24": "older than 1 day", "168": "older than 7 days"}


class FormSchema(InputSchema):
    @pre_load
    def drop_empty(self, data, **kwargs):
        return {key: value for key, value in dict(data).items() if value != ""}


class SignInForm(FormSchema):
    phone = fields.String(required=True, validate=validate.Length(min=3, max=32))
    password = fields.String(validate=validate.Length(max=200))
    code = fields.String(validate=validate.Regexp(r"^\d{6}$", error="The code is 6 digits"))


class CodeRequestForm(FormSchema):
    phone = fields.String(required=True, validate=validate.Length(min=3, max=32))


class ReasonForm(FormSchema):
    """Every action: a short reason, kept in the audit log (spaces alone are no reason)."""
    reason = reason_field()


class SuspendForm(ReasonForm):
    hours = fields.Integer(load_default=None, validate=validate.OneOf(SUSPENSION_HOURS))


class ReportQueueQuery(FormSchema):
    view = fields.String(load_default="open", validate=validate.OneOf(VIEWS))
    reason = fields.String(load_default=None, validate=validate.OneOf(REASONS))
    age = fields.Integer(load_default=None, validate=validate.OneOf([int(h) for h in AGES if h]))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000))


class PeopleQuery(FormSchema):
    q = fields.String(load_default="", validate=validate.Length(max=100))


class AuditQuery(FormSchema):
    moderator = fields.String(load_default=None, validate=validate.Length(max=24))
    target = fields.String(load_default=None, validate=validate.Length(max=24))
    action = fields.String(load_default=None, validate=validate.Length(max=40))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000))
