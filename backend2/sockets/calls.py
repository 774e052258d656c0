"""Call signaling: `call:invite`, `call:answer`, `call:candidate`, `call:hangup`.

Each acts for the device that sent it (its socket id); the rules are in services/calls.
"""
from flask import request

from backend2.schemas.calls import CallAnswerSchema, CallCandidateSchema, CallHangupSchema, CallInviteSchema
from backend2.services.calls import ringing
from backend2.sockets.handling import socket_event


@socket_event("call:invite", CallInviteSchema)
def invite(user, data):
    return {"callId": ringing.invite(user, request.sid, data)}


@socket_event("call:answer", CallAnswerSchema)
def answer(user, data):
    ringing.answer(user, request.sid, data["callId"], data["answer"])
    return {"ok": True, "callId": data["callId"]}


@socket_event("call:candidate", CallCandidateSchema)
def candidate(user, data):
    ringing.candidate(user, request.sid, data["callId"], data["candidate"])
    return {"ok": True}


@socket_event("call:hangup", CallHangupSchema)
def hangup(user, data):
    ringing.hang_up(user, data["callId"], data.get("reason"))
    return {"ok": True, "callId": data["callId"]}
