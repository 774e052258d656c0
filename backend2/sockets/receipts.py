"""Receipts over the socket: one emit moves a cursor over any number of messages."""
from backend2.schemas.receipts import ReceiptSchema, SocketReceiptSchema
from backend2.services.conversations import receipts
from backend2.sockets.handling import socket_event

_receipt_schema = ReceiptSchema()


@socket_event("delivered", SocketReceiptSchema)
def delivered(user, data):
    return _receipt_schema.dump(receipts.move_cursor(user, data["conversationId"], "delivered", data.get("upTo")))


@socket_event("read_up_to", SocketReceiptSchema)
def read_up_to(user, data):
    return _receipt_schema.dump(receipts.move_cursor(user, data["conversationId"], "read", data.get("upTo")))
