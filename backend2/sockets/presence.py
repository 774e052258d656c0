"""Presence queries: who of these users is online now."""
from backend2.schemas.presence import PresenceQuerySchema, PresenceSchema
from backend2.services.people import presence
from backend2.sockets.handling import socket_event

_presence_schema = PresenceSchema(many=True)


@socket_event("presence", PresenceQuerySchema)
def who_is_online(user, data):
    return {"users": _presence_schema.dump(presence.presence_of(user, data["userIds"]))}
