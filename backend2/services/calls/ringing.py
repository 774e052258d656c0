"""Calls: the rules of ringing, answering, relaying, ending, for every device and process.

The server relays WebRTC signaling only; what it owns is each call's state (in
`call_state`), its deadlines (ring timeout, reconnect grace; in `deadlines`, so any process
fires them, exactly once) and its history (recorded by `history.py`:
`Call` documents and `type: "call"` messages).

Candidates a caller sends before the answer are held and delivered to the answering device
right after `call:answer`, so the other ringing devices never receive them.
"""
import json
import time
from types import MappingProxyType

from bson import ObjectId
from flask import current_app

from backend2.errors import Codes, Conflict, Forbidden, NotFound, ValidationFailed
from backend2.models import Call, User
from backend2.services.calls import call_state
from backend2.services.calls.history import record_ending
from backend2.services.conversations.direct import open_direct_conversation
from backend2.services.conversations.lookup import conversation_for
from backend2.services.people import presenter
from backend2.services.people.directory import visible_user
from backend2.services.support import deadlines, rate_budgets
from backend2.services.support.announce import announce
from backend2.services.support.events import CallEvent
from backend2.utils.time import utcnow

# How each way of ending maps to the recorded outcome, before and after an answer.
OUTCOME_BEFORE_ANSWER = {"timeout": "missed", "declined": "declined", "cancelled": "cancelled"}
ENDED_BY_CLIENT = "ended"


def _emit(event, payload, users=(), devices=(), skip_device=None, after_ack=False):
    announce(CallEvent(event, MappingProxyType(payload), tuple(str(u) for u in users), tuple(devices), skip_device,
                       after_ack))


def invite(user, device_id, data):
    """Ring every device of the callee; returns the call id. A busy callee ends it at once."""
    if data["to"] == str(user.id):
        raise ValidationFailed("You cannot call yourself", code=Codes.CANNOT_CALL_SELF)
    rate_budgets.spend("calls", user.id)
    callee = visible_user(user, data["to"])
    conversation = _direct_conversation(user, callee, data.get("conversationId"))
    call = Call(id=ObjectId(), caller=user.id, callee=callee.id, participants=[user.id, callee.id],
                type=data["type"], conversation=conversation.id)
    call_id = str(call.id)
    if not call_state.claim_user(user.id, call_id):
        raise Conflict("You are already in a call", code=Codes.ALREADY_IN_CALL)
    if not call_state.claim_user(callee.id, call_id):
        call_state.release_user(user.id, call_id)
        record_ending(call, "busy", reason="busy")
        _emit("call:hangup", {"callId": call_id, "reason": "busy"}, devices=[device_id], after_ack=True)
        return call_id
    call.save(force_insert=True)
    call_state.start(call_id, {"caller": str(user.id), "callee": str(callee.id), "type": call.type,
                               "conversation": str(conversation.id), "offer": json.dumps(data["offer"])}, device_id)
    deadlines.schedule("call-timeout", call_id, time.time() + current_app.config["CALL_TIMEOUT_SECONDS"])
    _emit("call:invite", _invitation(call_id, user.id, callee, call.type, data["offer"], conversation.id),
          users=[callee.id])
    _emit("call:outgoing", {"callId": call_id, "to": str(callee.id), "type": call.type,
                            "conversationId": str(conversation.id)}, users=[user.id], skip_device=device_id)
    return call_id


def _direct_conversation(user, callee, conversation_id):
    if conversation_id is None:
        conversation, _ = open_direct_conversation(user, callee.id)
        return conversation
    conversation = conversation_for(user, conversation_id)
    if conversation.type != "direct" or callee.id not in conversation.participants:
        raise ValidationFailed("conversationId must be your direct conversation with the callee",
                               code=Codes.INVALID_CONVERSATION)
    return conversation


def _invitation(call_id, caller_id, callee, kind, offer, conversation_id):
    """`from` is the caller as the callee may see them (a copy: privacy settings hide parts), whose
    public profile the socket layer sends."""
    caller = presenter.present_person(callee, User.objects(id=caller_id).first())
    return {"callId": call_id, "from": caller, "type": kind, "offer": offer,
            "conversationId": str(conversation_id)}


def answer(user, device_id, call_id, sdp):
    """The callee's device takes the call; their other devices stop ringing."""
    _party_call(user, call_id)
    now = time.time()

    def decide(call):
        if call["callee"] == str(user.id) and call["state"] == "ringing":
            return {"state": "active", "calleeDevice": device_id, "answeredAt": repr(now)}
        return None

    call, changes = call_state.change(call_id, decide)
    if call is None:
        raise NotFound("This call has ended", code=Codes.CALL_NOT_FOUND)
    if changes is None:
        if call["callee"] != str(user.id):
            raise Forbidden("Only the callee may answer", code=Codes.NOT_CALLEE)
        raise Conflict("This call was already answered", code=Codes.CALL_ALREADY_ANSWERED)
    deadlines.cancel("call-timeout", call_id)
    call_state.link_device(device_id, call_id)
    Call.objects(id=call_id).update_one(set__answered_at=utcnow())
    _emit("call:answer", {"callId": call_id, "answer": sdp}, devices=[call["callerDevice"]])
    _emit("call:hangup", {"callId": call_id, "reason": "answered_elsewhere"}, users=[user.id], skip_device=device_id)
    for candidate in call_state.release_held(call_id):
        _emit("call:candidate", {"callId": call_id, "candidate": candidate}, devices=[device_id])


def candidate(user, device_id, call_id, ice_candidate):
    """Relay to the other party's device in the call (held until the answer, from the caller)."""
    for _ in range(call_state.RETRIES):
        call = _party_call(user, call_id)
        if device_id == call["callerDevice"]:
            if call["state"] == "ringing":
                if call_state.hold_candidate(call_id, ice_candidate):
                    return
                continue  # answered (or ended) meanwhile: look again
            target = call["calleeDevice"]
        elif device_id == call["calleeDevice"]:
            target = call["callerDevice"]
        else:
            raise Forbidden("Only the devices in the call may send candidates", code=Codes.NOT_CALL_DEVICE)
        _emit("call:candidate", {"callId": call_id, "candidate": ice_candidate}, devices=[target])
        return
    raise Conflict("The call is changing; try again", code=Codes.CALL_CHANGING)


def hang_up(user, call_id, reason=None):
    """End the call for everyone: before an answer the callee declines and the caller cancels."""
    _party_call(user, call_id)
    call = call_state.take(call_id)  # the reason follows the state it had when taken
    if call is None:
        raise NotFound("This call has ended", code=Codes.CALL_NOT_FOUND)
    if call["state"] == "active":
        reason = reason or ENDED_BY_CLIENT
    else:
        reason = "declined" if call["callee"] == str(user.id) else "cancelled"
    _end(call_id, call, reason)


def _has_device(device_id):
    """A test of a live call: is this device one of its two devices (caller's, answering)?"""
    return lambda call: device_id in (call["callerDevice"], call["calleeDevice"])


def _party_call(user, call_id):
    """The live call if the user is one of its two parties; 404 for anyone else."""
    call = call_state.get(call_id)
    if call is None or str(user.id) not in (call["caller"], call["callee"]):
        raise NotFound("No such call", code=Codes.CALL_NOT_FOUND)
    return call


def device_left(event):
    """A device in a call went away (closed, or its process died): the call ends unless the
    user is back within the grace period. The receiver of DeviceGone."""
    device_id = event.device_id
    call_id = call_state.call_of_device(device_id)
    call = call_state.get(call_id) if call_id else None
    if call is not None and _has_device(device_id)(call):
        grace = current_app.config["CALL_RECONNECT_GRACE_SECONDS"]
        deadlines.schedule("call-device", f"{call_id}|{device_id}", time.time() + grace)


def device_joined(user_id, device_id):
    """A new connection of a user in a call: it takes the place of their device that left
    (within the grace period), or rings again if the call is still ringing for them."""
    call_id = call_state.call_of_user(user_id)
    call = call_state.get(call_id) if call_id else None
    if call is None:
        return
    role = "callerDevice" if call["caller"] == str(user_id) else "calleeDevice"
    gone = call[role]
    if gone and deadlines.cancel("call-device", f"{call_id}|{gone}"):
        _, changes = call_state.change(call_id, lambda live: {role: device_id} if live[role] == gone else None)
        if changes:
            call_state.link_device(device_id, call_id)
            call_state.forget_devices(call_id, [gone])
    elif role == "calleeDevice" and call["state"] == "ringing":
        callee = User.objects(id=user_id).first()
        invitation = _invitation(call_id, call["caller"], callee, call["type"], json.loads(call["offer"]),
                                 call["conversation"])
        if invitation["from"] is not None:
            _emit("call:invite", invitation, devices=[device_id])


@deadlines.handles("call-timeout")
def _ring_timeout(call_id):
    call = call_state.take(call_id, lambda live: live["state"] == "ringing")
    if call is not None:
        _end(call_id, call, "timeout")


@deadlines.handles("call-device")
def _device_gone(key):
    call_id, _, device_id = key.partition("|")
    call = call_state.take(call_id, _has_device(device_id))
    if call is not None:
        _end(call_id, call, "disconnected")


def end_calls_of_devices(device_ids, reason):
    """End at once every call one of these devices takes part in (this process is stopping)."""
    for device_id in device_ids:
        call_id = call_state.call_of_device(device_id)
        live = call_state.take(call_id, _has_device(device_id)) if call_id else None
        if live is not None:
            _end(call_id, live, reason)


def _end(call_id, live, reason):
    """Everything after a call is taken: keys, deadlines, history, and the hangup everywhere."""
    devices = [live["callerDevice"], live["calleeDevice"]]
    for user_id in (live["caller"], live["callee"]):
        call_state.release_user(user_id, call_id)
    call_state.forget_devices(call_id, devices)
    deadlines.cancel("call-timeout", call_id)
    for device_id in filter(None, devices):
        deadlines.cancel("call-device", f"{call_id}|{device_id}")
    call = Call.objects(id=call_id).first()
    if call is not None:
        if live["state"] == "active":
            record_ending(call, "answered", reason, duration=max(0, round(time.time() - float(live["answeredAt"]))))
        else:
            record_ending(call, OUTCOME_BEFORE_ANSWER.get(reason, "failed"), reason)
    _emit("call:hangup", {"callId": call_id, "reason": reason}, users=[live["caller"], live["callee"]])
