"""Which devices get a push for what happened, and what it says.

Its receivers (registered in backend2/receivers.py) queue one planning job per event (a Redis
write: the message path never waits for a provider); a worker runs the plan, which becomes one
delivery job per device (services/push/push_sender.py):
- a new message: every session of each recipient with a registration and no live socket,
  unless the recipient muted the chat (a mention still pushes, if they keep `mentionsBypassMute`)
  or blocked the sender; with the recipient's badge;
- an edit or a deletion for everyone: the sessions its push went to, while still unread;
- a read: the reader's unconnected sessions get a silent push with the new badge;
- a call: the callee's unconnected sessions ring until the ring time ends; when the call is
  answered elsewhere, cancelled or times out, those sessions are told to stop ringing.
"""
import time

from flask import current_app

from backend2.extensions import jobs, push_gateways
from backend2.models import Call, Conversation, Message, User
from backend2.services.calls import call_state
from backend2.services.conversations.conversation_settings import is_muted
from backend2.services.people import presence
from backend2.services.push import badges, push_content, push_registrations, push_state
from backend2.utils.time import as_utc

CALL_MEMORY_SECONDS = 3600


def _plan_later(**job):
    """Queue the planning of an event (one Redis call). A failure (Redis down) loses its
    pushes, never the event: announce logs it, and the receivers after this one still run.
    Planning the same event twice sends nothing twice: each delivery is named by its event and
    device (push_sender)."""
    if push_gateways.enabled:
        jobs.enqueue("plan_pushes", job)


def on_message_created(event):
    _plan_later(event="message", messageId=str(event.message.id))


def on_message_edited(event):
    _plan_later(event="message_update", messageId=str(event.message.id))


def on_message_deleted(event):
    if event.scope in ("everyone", "expired"):
        _plan_later(event="message_withdrawn", messageId=str(event.message.id))


def on_receipt_moved(event):
    if event.kind == "read":
        at, conversation_id = as_utc(event.up_to).timestamp(), str(event.conversation.id)
        _plan_later(event="read", userId=event.user_id, conversationId=conversation_id, at=at)


def on_call_event(event):
    payload = event.payload
    if event.name == "call:invite" and event.users:  # the first ring (a re-ring goes to one connected device)
        rings_until = time.time() + current_app.config["CALL_TIMEOUT_SECONDS"]
        _plan_later(event="call", callId=payload["callId"], ringsUntil=rings_until)
    elif event.name == "call:hangup" and event.users:
        _plan_later(event="call_ended", callId=payload["callId"], reason=payload["reason"])


def on_export_ready(event):
    _plan_later(event="export_ready", userId=str(event.user_id), jobId=event.job_id)


def plan(job):
    """[(delivery id, session, push)] for a planning job; each session has its registration."""
    return PLANS[job["event"]](job)


def _unconnected(user_ids, only=None):
    """{user id: [sessions with a registration and no live socket]}, within `only` if given."""
    registered = push_registrations.registrations_of(user_ids)
    live = presence.live_sessions(registered)
    return {uid: kept for uid, sessions in registered.items()
            if (kept := [s for s in sessions if str(s.id) not in live[uid] and (only is None or str(s.id) in only)])}


def _new_message(job):
    message = Message.objects(id=job["messageId"]).exclude("edits").first()
    if message is None or message.deleted or message.type == "system" or (
            message.type == "call" and message.call.get("outcome") != "missed"):
        return []
    conversation = Conversation.objects(id=message.conversation).first()
    recipients = [p for p in conversation.participants if p != message.sender and p not in message.hidden_for]
    targets = _unconnected(recipients)
    if not targets:
        return []
    people = {str(user.id): user for user in User.objects(id__in=[*targets, message.sender])}  # one query
    sender, deliveries = people.pop(str(message.sender), None), []
    for user in people.values():
        silenced = is_muted(conversation, user.id) and not (user.mentions_bypass_mute and user.id in message.mentions)
        if silenced or message.sender in user.blocked_users:
            continue
        push = push_content.message_push("message", message, conversation, sender, user, badges.unread_total(user))
        sessions = targets[str(user.id)]
        push_state.remember(f"message:{message.id}", [s.id for s in sessions],
                            current_app.config["PUSH_MAX_AGE_SECONDS"])
        deliveries += [(f"message:{message.id}:{s.id}", s, push) for s in sessions]
    return deliveries


def _changed_message(job):
    """An edit or a withdrawal, to the sessions that were pushed the message, while it is unread."""
    message = Message.objects(id=job["messageId"]).exclude("edits").first()
    pushed = push_state.recall(f"message:{job['messageId']}")
    if message is None or not pushed:
        return []
    conversation = Conversation.objects(id=message.conversation).first()
    targets = _unconnected([p for p in conversation.participants if p != message.sender], only=pushed)
    sender = User.objects(id=message.sender).only("id", "name").first()
    deliveries, kind = [], job["event"]
    for user in User.objects(id__in=list(targets)):
        read = conversation.read_up_to.get(str(user.id))
        if read and as_utc(read) >= as_utc(message.created_at):
            continue
        badge = badges.unread_total(user) if kind == "message_withdrawn" else None
        push = push_content.message_push(kind, message, conversation, sender, user, badge)
        version = as_utc(message.updated_at).timestamp()
        deliveries += [(f"{kind}:{message.id}:{version}:{s.id}", s, push) for s in targets[str(user.id)]]
    return deliveries


def _read(job):
    targets = _unconnected([job["userId"]])
    if not targets:
        return []
    badge = badges.unread_total(User.objects(id=job["userId"]).first())
    push = push_content.badge_push(job["conversationId"], badge)
    return [(f"badge:{s.id}:{job['conversationId']}:{job['at']}", s, push) for s in targets[job["userId"]]]


def _call(job):
    call = call_state.get(job["callId"])
    if call is None or call["state"] != "ringing" or time.time() >= job["ringsUntil"]:
        return []
    targets = _unconnected([call["callee"]])
    sessions = targets.get(call["callee"], [])
    if not sessions:
        return []
    caller = User.objects(id=call["caller"]).only("id", "name").first()
    push = push_content.call_push({**call, "callId": job["callId"]}, caller, job["ringsUntil"])
    push_state.remember(f"call:{job['callId']}", [s.id for s in sessions], CALL_MEMORY_SECONDS)
    return [(f"call:{job['callId']}:{s.id}", s, push) for s in sessions]


def _call_ended(job):
    rung = push_state.recall(f"call:{job['callId']}", forget=True)
    call = Call.objects(id=job["callId"]).only("callee", "type").first()
    if not rung or call is None:
        return []
    targets = _unconnected([call.callee], only=rung)
    push = push_content.call_ended_push(job["callId"], call.type, job["reason"])
    return [(f"call-ended:{job['callId']}:{s.id}", s, push) for s in targets.get(str(call.callee), [])]


def _export_ready(job):
    """The owner's devices without a socket learn their export is ready."""
    push = push_content.export_push(job["jobId"])
    return [(f"export:{job['jobId']}:{s.id}", s, push) for s in _unconnected([job["userId"]]).get(job["userId"], [])]


PLANS = {"message": _new_message, "message_update": _changed_message, "message_withdrawn": _changed_message,
         "read": _read, "call": _call, "call_ended": _call_ended, "export_ready": _export_ready}
