from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from backend2.extensions import ma
from backend2.schemas.common import InputSchema, Timestamp, display_name_field, id_fields, object_id_field
from backend2.schemas.auth_fields import validate_password
from backend2.schemas.users import UserSchema

PLATFORMS = ("electron", "flutter", "web", "other")

phone_field = fields.String(required=True, validate=validate.Length(min=1, max=32))
otp_field = fields.String(required=True, validate=validate.Regexp(r"^\d{4,8}$", error="Must be digits"))


class PhoneSchema(InputSchema):
    ALIASES = {"phoneNumber": "phone"}
    phone = phone_field


class DeviceInputSchema(InputSchema):
    """Device info, top level (`platform`, `deviceName`) or nested (`device: {platform, name}`)."""

    platform = fields.String(load_default="other", validate=validate.OneOf(PLATFORMS))
    deviceName = fields.String(load_default="", validate=validate.Length(max=100))
    replaceSession = object_id_field(metadata={"description": "with MAX_DEVICES_PER_ACCOUNT sessions live: "
                                                              "the one this sign-in signs out"})

    @pre_load
    def flatten_device(self, data, **kwargs):
        if not isinstance(data, dict) or "device" not in data:
            return data
        data = dict(data)
        device = data.pop("device")
        if not isinstance(device, dict) or set(device) - {"platform", "name"}:
            raise ValidationError("Must be an object with 'platform' and 'name'", "device")
        for source, target in (("platform", "platform"), ("name", "deviceName")):
            if source in device:
                data.setdefault(target, device[source])
        return data


class VerifyOtpLoginSchema(DeviceInputSchema):
    ALIASES = {"phoneNumber": "phone", "code": "otp"}
    phone = phone_field
    otp = otp_field


class VerifyOtpRegisterSchema(VerifyOtpLoginSchema):
    name = display_name_field(80, required=True)
    password = fields.String(validate=validate_password)
    email = fields.Email(validate=validate.Length(max=254))


class PasswordLoginSchema(DeviceInputSchema):
    ALIASES = {"phoneNumber": "phone"}
    phone = fields.String(validate=validate.Length(min=1, max=32))
    email = fields.String(validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))

    @validates_schema
    def phone_or_email(self, data, **kwargs):
        if ("phone" in data) == ("email" in data):
            raise ValidationError("Give either 'phone' or 'email'", "phone")


class SessionSchema(ma.Schema.from_dict(id_fields())):
    platform = fields.String()
    deviceName = fields.String(attribute="device_name")
    ip = fields.String()
    userAgent = fields.String(attribute="user_agent")
    createdAt = Timestamp(attribute="created_at")
    lastSeenAt = Timestamp(attribute="last_seen_at", allow_none=True)
    expiresAt = Timestamp(attribute="expires_at")
    current = fields.Boolean(attribute="is_current", dump_default=False)
    legacy = fields.Function(lambda session: bool(session.legacy_fingerprint or session.legacy_shape),
                             metadata={"description": "an Express server's token in use by an app not yet updated "
                                                      "(deviceName \"legacy app\"); ending it ends that token"})
    pushProvider = fields.Method("push_provider", metadata={"description": "fcm or apns: the device receives pushes"})

    def push_provider(self, session):
        return session.push.provider if getattr(session, "push", None) else None


class TokenUpgradeSchema(DeviceInputSchema):
    """The device of the updated app (as at sign-in); the legacy token is the bearer token."""


class SessionsEndQuerySchema(InputSchema):
    others = fields.Boolean(required=True, metadata={"description": "true: every session but this one; "
                                                                     "false: every session, this one too"})


class SessionsEndedSchema(ma.Schema):
    message = fields.String(required=True)
    ended = fields.Integer(required=True, metadata={"description": "how many sessions were signed out"})


class SessionListSchema(ma.Schema):
    sessions = fields.List(fields.Nested(SessionSchema))


class AuthResultSchema(ma.Schema):
    token = fields.String(required=True)
    user = fields.Nested(UserSchema, required=True)
    session = fields.Nested(SessionSchema, required=True)


class OtpSentSchema(ma.Schema):
    message = fields.String(required=True)
    expiresIn = fields.Integer(required=True, metadata={"description": "seconds"})
    resendIn = fields.Integer(required=True, metadata={"description": "seconds"})
