"""Socket.IO packets with a faster check for binary data.

Every packet python-socketio builds (each emit, each ack) first walks its whole payload to
see whether any part is bytes, through recursive list comprehensions and `reduce`; a message
JSON is walked once per packet. This answers the same question with one loop and stops at the
first bytes found. The wire format is python-socketio's own.
"""
from socketio.packet import Packet


class FastBinaryCheckPacket(Packet):
    @classmethod
    def data_is_binary(cls, data):
        pending = [data]
        while pending:
            item = pending.pop()
            if isinstance(item, (bytes, bytearray)):
                return True
            if isinstance(item, list):
                pending.extend(item)
            elif isinstance(item, dict):
                pending.extend(item.values())
        return False
