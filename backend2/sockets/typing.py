"""Typing indicators: relayed to the other participants, stopped by the server when quiet."""
from backend2.schemas.typing import TypingSchema
from backend2.services.conversations import typing_indicators
from backend2.sockets.connections import current_connection
from backend2.sockets.handling import socket_event


@socket_event("typing", TypingSchema)
def typing(user, data):
    conversation = typing_indicators.start_typing(user, data["conversationId"])
    current_connection().typing_in.add(str(conversation.id))
    return {"ok": True}


@socket_event("typing-stopped", TypingSchema)
def typing_stopped(user, data):
    typing_indicators.stop_typing(user.id, data["conversationId"])
    current_connection().typing_in.discard(data["conversationId"])
    return {"ok": True}
