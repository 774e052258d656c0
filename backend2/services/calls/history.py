"""The calls as they are remembered: how each ended (and its line in the chat), and the user's list of them."""


from backend2.models import Call, User
from backend2.services.messages import sending
from backend2.services.people import presenter
from backend2.services.support.pagination import paginate
from backend2.utils.time import utcnow
from backend2.utils.views import Presented


def record_ending(call, outcome, reason, duration=0):
    """Record how the call ended and, for the outcomes the apps show in the chat, a message."""
    call.outcome, call.end_reason, call.ended_at, call.duration = outcome, reason, utcnow(), duration
    call.save()
    if outcome in ("answered", "missed", "declined", "busy"):
        sending.record_call(call)


def list_calls(user, page, limit):
    """The user's calls, made or received, newest first; each knows its direction and the other party."""
    items, pagination = paginate(Call.objects(participants=user.id).order_by("-created_at", "-id"), page, limit)
    others = User.objects(id__in=list({c.caller if c.callee == user.id else c.callee for c in items}))
    shown = {person["id"]: person for person in presenter.present_people(user, list(others))}
    return [Presented(call, direction="outgoing" if call.caller == user.id else "incoming",
                      other_user=shown.get(call.callee if call.caller == user.id else call.caller))
            for call in items], pagination
