from flask import current_app
from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from backend2.extensions import ma
from backend2.schemas.common import InputSchema, object_id_field
from backend2.schemas.users import PublicUserSchema


class ContactInputSchema(InputSchema):
    phone = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(load_default="", validate=validate.Length(max=120))


class ContactSyncSchema(InputSchema):
    """`{contacts: [{phone, name}]}`, or a bare `{phones: [...]}`."""

    contacts = fields.List(fields.Nested(ContactInputSchema), required=True)

    @pre_load
    def accept_bare_phones(self, data, **kwargs):
        if isinstance(data, dict) and "phones" in data and "contacts" not in data:
            phones = data["phones"]
            if not isinstance(phones, list):
                raise ValidationError("Must be a list", "phones")
            data = {**data, "contacts": [{"phone": p} if isinstance(p, str) else p for p in phones]}
            del data["phones"]
        return data

    @validates_schema
    def at_most_the_sync_limit(self, data, **kwargs):
        maximum = current_app.config["CONTACT_SYNC_MAX"]
        if len(data["contacts"]) > maximum:
            raise ValidationError(f"At most {maximum} contacts per sync", "contacts")


class ContactMatchSchema(PublicUserSchema):
    phone = fields.String()
    contactName = fields.String(attribute="contact_name")


class ContactSyncResultSchema(ma.Schema):
    users = fields.List(fields.Nested(ContactMatchSchema))
    received = fields.Integer()
    saved = fields.Integer()
    invalid = fields.Integer()
    registered = fields.Integer()


class StartChatSchema(InputSchema):
    userId = object_id_field()
    phone = fields.String(validate=validate.Length(min=1, max=40))

    @validates_schema
    def user_or_phone(self, data, **kwargs):
        if ("userId" in data) == ("phone" in data):
            raise ValidationError("Give either 'userId' or 'phone'", "userId")
