"""Websocket frames read as gevent-websocket reads them (backend2/infra/websocket_frames.py):
payloads unmasked to the same bytes, text decoded, and a message of invalid UTF-8 refused:
`receive` gives None and the connection is closed (gevent-websocket 0.10.1 sends its close
frame without a code)."""
import logging
import random
from types import SimpleNamespace

from geventwebsocket.websocket import Header, WebSocket

from backend2.infra.websocket_frames import use_fast_frames


class Wire:
    """The client's side of a connection: what it sent, and what the server wrote back."""

    def __init__(self, sent):
        self.unread, self.written = bytearray(sent), bytearray()

    def read(self, size):
        chunk = bytes(self.unread[:size])
        del self.unread[:size]
        return chunk

    def write(self, data):
        self.written += data


class Handler:
    logger = logging.getLogger("test")
    server = SimpleNamespace(application=object())  # an app without `current_app`, as Flask's


def frame(payload, fin=True, opcode=WebSocket.OPCODE_TEXT, key=b"\x01\x8f\x33\xc4"):
    """A client frame (masked, as clients must), of fewer than 126 bytes."""
    masked = bytes(byte ^ key[i % 4] for i, byte in enumerate(payload))
    return bytes([(0x80 if fin else 0) | opcode, 0x80 | len(payload)]) + key + masked


def received(*frames):
    """What `receive` returns, whether it closed the connection, and what it wrote back."""
    use_fast_frames()
    wire = Wire(b"".join(frames))
    websocket = WebSocket({}, wire, Handler())
    return websocket.receive(), websocket.closed, bytes(wire.written)


def test_payloads_are_unmasked_to_the_bytes_sent():
    use_fast_frames()
    rng = random.Random(7)
    for length in [*range(0, 12), 125, 126, 4096, 65_537]:
        payload, key = rng.randbytes(length), rng.randbytes(4)
        header = Header(length=length)
        header.mask = key
        expected = bytearray(byte ^ key[i % 4] for i, byte in enumerate(payload))
        assert header.unmask_payload(payload) == expected


def test_text_is_decoded_and_invalid_utf8_closes_the_connection():
    text = '42["message",{"text":"héllo 👋"}]'.encode()
    assert received(frame(text)) == ('42["message",{"text":"héllo 👋"}]', False, b"")
    for cut in (9, 24, 31):  # between ASCII bytes; inside "é"; inside the emoji
        assert received(frame(text[:cut], fin=False), frame(text[cut:], opcode=WebSocket.OPCODE_CONTINUATION)) == \
            ('42["message",{"text":"héllo 👋"}]', False, b"")
    for invalid in (b"\xff", b"caf\xc3", b"\xed\xa0\x80", b"\xc0\xaf"):  # a stray byte, cut short, a surrogate, overlong
        assert received(frame(b'42["message","' + invalid + b'"]')) == (None, True, b"\x88\x00")  # one close frame
