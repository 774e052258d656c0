import mongoengine as me

from backend2.models.base import TimestampedDocument

CALL_OUTCOMES = ("answered", "missed", "declined", "busy", "cancelled", "failed")


class Call(TimestampedDocument):
    """One call, as history: who called whom, how it ended. `createdAt` is when it started.

    The live state of a ringing or running call is in `backend2.services.calls.call_state`.
    """

    meta = {
        "collection": "calls",
        "indexes": [{"fields": ["participants", "-created_at", "-id"]}],
    }

    caller = me.ObjectIdField(required=True)
    callee = me.ObjectIdField(required=True)
    participants = me.ListField(me.ObjectIdField(), required=True)  # [caller, callee], for "my calls"
    type = me.StringField(required=True, choices=("audio", "video"))
    conversation = me.ObjectIdField()
    outcome = me.StringField(choices=CALL_OUTCOMES)  # None while it rings or runs
    end_reason = me.StringField(db_field="endReason")
    answered_at = me.DateTimeField(db_field="answeredAt")
    ended_at = me.DateTimeField(db_field="endedAt")
    duration = me.IntField(default=0)  # seconds from answer to end
