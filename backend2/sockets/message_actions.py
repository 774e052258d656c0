"""Reactions, forwarding and pins over the socket: the same schemas and services as REST."""
from backend2.schemas.forwarding import ForwardResultsSchema, SocketForwardSchema
from backend2.schemas.message_pins import PinsSchema, SocketPinSchema
from backend2.schemas.reactions import SocketReactionSchema
from backend2.services.messages import forwarding, message_pins, reactions
from backend2.services.messages.message_views import forward_results
from backend2.sockets.handling import socket_event
from backend2.sockets.payloads import message_json

_forward_results_schema = ForwardResultsSchema()
_pins_schema = PinsSchema()


@socket_event("reaction", SocketReactionSchema)
def react(user, data):
    message, conversation = reactions.react(user, data["messageId"], data["emoji"], added=data["action"] == "add")
    return message_json(user.id, message, conversation)


@socket_event("forward", SocketForwardSchema)
def forward(user, data):
    results = forwarding.forward(user, data["messageId"], data["conversationIds"])
    return _forward_results_schema.dump({"results": forward_results(user.id, results)})


@socket_event("pin", SocketPinSchema)
def pin(user, data):
    return _pins_schema.dump(message_pins.pin(user, data["messageId"])[1])


@socket_event("unpin", SocketPinSchema)
def unpin(user, data):
    return _pins_schema.dump(message_pins.unpin(user, data["messageId"])[1])
