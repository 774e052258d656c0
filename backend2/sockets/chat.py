"""Messages over the socket: the same payloads, schemas and services as REST."""
from backend2.schemas.messages import MessageSendSchema, SocketDeleteSchema, SocketEditSchema
from backend2.services.messages import changes, sending
from backend2.sockets.handling import socket_event
from backend2.sockets.payloads import message_json


@socket_event("message", MessageSendSchema)
def send(user, data):
    message, conversation, _ = sending.send_message(user, data)
    return message_json(user.id, message, conversation)


@socket_event("message_edited", SocketEditSchema)
def edit(user, data):
    message, conversation = changes.edit_message(user, data["id"], data["text"])
    return message_json(user.id, message, conversation)


@socket_event("message_deleted", SocketDeleteSchema)
def delete(user, data):
    message, conversation = changes.delete_message(user, data["id"], data["scope"])
    return {**message_json(user.id, message, conversation), "scope": data["scope"]}
