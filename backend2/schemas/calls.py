"""Call signaling payloads, call history and ICE servers."""
from collections.abc import Mapping

from marshmallow import ValidationError, fields, validate

from backend2.extensions import ma
from backend2.schemas.common import InputSchema, ObjectIdString, PaginationSchema, Timestamp, \
    id_fields, object_id_field
from backend2.schemas.users import PublicUserSchema

MAX_SDP_CHARS = 64 * 1024
MAX_CANDIDATE_CHARS = 2048


class Signal(fields.Field):
    """A WebRTC description or candidate, passed through untouched: either the bare string or
    the browser's object form ({type, sdp} / {candidate, sdpMid, sdpMLineIndex, ...})."""

    def __init__(self, text_key, max_chars, **kwargs):
        super().__init__(**kwargs)
        self.text_key, self.max_chars = text_key, max_chars

    def _deserialize(self, value, attr, data, **kwargs):
        text = value.get(self.text_key) if isinstance(value, Mapping) else value
        if not isinstance(text, str) or len(text) > self.max_chars:
            raise ValidationError(f"A string, or an object with a string '{self.text_key}', "
                                  f"of at most {self.max_chars} characters")
        if isinstance(value, Mapping):
            if len(value) > 8 or not all(isinstance(v, (str, int, type(None))) and len(str(v)) <= self.max_chars
                                         for v in value.values()):
                raise ValidationError("Only a few short plain values are allowed")
            return dict(value)
        return value


class CallInviteSchema(InputSchema):
    ALIASES = {"callee": "to", "conversation": "conversationId"}
    to = object_id_field(required=True)
    type = fields.String(load_default="audio", validate=validate.OneOf(("audio", "video")))
    offer = Signal("sdp", MAX_SDP_CHARS, required=True)
    conversationId = object_id_field()


class CallIdSchema(InputSchema):
    callId = object_id_field(required=True)


class CallAnswerSchema(CallIdSchema):
    answer = Signal("sdp", MAX_SDP_CHARS, required=True)


class CallCandidateSchema(CallIdSchema):
    candidate = Signal("candidate", MAX_CANDIDATE_CHARS, required=True)


class CallHangupSchema(CallIdSchema):
    reason = fields.String(validate=validate.Regexp(r"^[a-z_]{1,40}$", error="Lowercase letters and _ only"))


class CallSchema(ma.Schema.from_dict(id_fields())):
    caller = ObjectIdString()
    callee = ObjectIdString()
    from_ = ObjectIdString(attribute="caller", data_key="from", dump_only=True)
    to = ObjectIdString(attribute="callee", dump_only=True)
    type = fields.String(metadata={"enum": ["audio", "video"]})
    direction = fields.String(metadata={"enum": ["incoming", "outgoing"]})
    user = fields.Nested(PublicUserSchema, attribute="other_user", allow_none=True,
                         metadata={"description": "the other party"})
    outcome = fields.String(allow_none=True, metadata={
        "enum": ["answered", "missed", "declined", "busy", "cancelled", "failed"],
        "description": "null while the call rings or runs"})
    reason = fields.String(attribute="end_reason", allow_none=True)
    conversationId = ObjectIdString(attribute="conversation", allow_none=True)
    startedAt = Timestamp(attribute="created_at")
    answeredAt = Timestamp(attribute="answered_at", allow_none=True)
    endedAt = Timestamp(attribute="ended_at", allow_none=True)
    duration = fields.Integer(metadata={"description": "seconds from answer to end"})


class CallListSchema(ma.Schema):
    calls = fields.List(fields.Nested(CallSchema))
    pagination = fields.Nested(PaginationSchema)


class IceServerSchema(ma.Schema):
    urls = fields.List(fields.String())
    username = fields.String()
    credential = fields.String()


class IceServersSchema(ma.Schema):
    iceServers = fields.List(fields.Nested(IceServerSchema))
    ttl = fields.Integer(metadata={"description": "seconds the TURN credentials stay valid"})
