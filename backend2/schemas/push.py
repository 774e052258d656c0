"""A device's push registration: what the apps send, and what they get back."""
from collections.abc import Mapping

from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from backend2.extensions import ma
from backend2.schemas.common import InputSchema, Timestamp

TOKEN = validate.Regexp(r"^[A-Za-z0-9:_\-.]{8,4096}$", error="Not a push token.")
HEX = validate.Regexp(r"^[0-9a-fA-F]{64,200}$", error="An APNs token is hexadecimal.")


class PushRegistrationInputSchema(InputSchema):
    ALIASES = {"fcmToken": "token", "deviceToken": "token", "pushToken": "token", "voipPushToken": "voipToken"}
    provider = fields.String(required=True, validate=validate.OneOf(("fcm", "apns")))
    token = fields.String(required=True, validate=TOKEN)
    voipToken = fields.String(validate=TOKEN)
    appId = fields.String(validate=validate.Length(max=200))
    locale = fields.String(validate=validate.Length(max=35))

    @pre_load
    def apply_aliases(self, data, **kwargs):
        """`fcmToken` names its provider too."""
        if isinstance(data, Mapping) and "fcmToken" in data and "provider" not in data:
            data = {**data, "provider": "fcm"}
        return super().apply_aliases(data, **kwargs)

    @validates_schema
    def apns_tokens_are_hex(self, data, **kwargs):
        for name in ("token", "voipToken"):
            if data.get("provider") == "apns" and name in data:
                try:
                    HEX(data[name])
                except ValidationError as exc:
                    raise ValidationError(exc.messages, name) from None


class PushRegistrationSchema(ma.Schema):
    provider = fields.String()
    token = fields.String()
    voipToken = fields.String(attribute="voip_token", allow_none=True)
    appId = fields.String(attribute="app_id", allow_none=True)
    locale = fields.String(allow_none=True)
    registeredAt = Timestamp(attribute="registered_at")
    active = fields.Boolean(metadata={"description": "false while the server has no credentials for this provider: "
                                                     "kept, and used once they are configured"})
