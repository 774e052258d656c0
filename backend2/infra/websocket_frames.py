"""Reading websocket frames without two of gevent-websocket 0.10.1's pure-Python byte loops.

- Unmasking: every frame a client sends is masked (RFC 6455 §5.3), and `Header.mask_payload`
  (`unmask_payload`) XORs it with the key one byte at a time; here it is one XOR of two integers.
- UTF-8: a text message's frames, and then the whole message, go through a pure-Python
  decoder automaton (`Utf8Validator`) before `WebSocket._decode_bytes` decodes the message,
  which refuses invalid UTF-8 the same way: the connection is closed and `receive` returns
  None. The decode alone checks it here, once the message is whole.

Together about 2% of a message's CPU on the send path (bench/RESULTS.md). `use_fast_frames`
patches both classes for every server of this process; tests/unit/test_websocket_frames.py
holds them to gevent-websocket's answers.
"""
from geventwebsocket.websocket import Header, WebSocket


def _unmask(header, payload):
    length = len(payload)
    key = int.from_bytes((bytes(header.mask) * (length // 4 + 1))[:length], "little")
    return bytearray((int.from_bytes(payload, "little") ^ key).to_bytes(length, "little"))


def _checked_by_decoding(websocket, payload):
    """`validate_utf8`'s place: the message's decode checks it."""


def use_fast_frames():
    Header.unmask_payload = _unmask
    WebSocket.validate_utf8 = _checked_by_decoding
