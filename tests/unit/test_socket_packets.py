"""The faster binary check answers exactly as python-socketio's own, and packets written by
orjson read back as python-socketio's own."""
import random
from collections import OrderedDict

from socketio.packet import BINARY_EVENT, EVENT, Packet

from backend2.infra.socketio_packets import MALFORMED_EVENT, SocketPacket


class UserList(list):
    """A list of a class of its own (MongoEngine hands out BaseList)."""


class Name(str):
    pass


def random_payload(rng, depth=0):
    kind = rng.random()
    if depth > 4 or kind < 0.4:
        return rng.choice(["text", 42, 1.5, None, True, b"bytes", bytearray(b"ba"), ("tu", b"ple")])
    if kind < 0.7:
        return [random_payload(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {f"k{n}": random_payload(rng, depth + 1) for n in range(rng.randrange(4))}


def test_same_answers_as_python_socketio():
    rng = random.Random(5)
    payloads = [random_payload(rng) for _ in range(3000)]
    answers = [SocketPacket.data_is_binary(p) for p in payloads]
    assert answers == [Packet.data_is_binary(p) for p in payloads]
    assert True in answers and False in answers
    subclassed = [UserList([b"x"]), UserList(["x"]), OrderedDict(a=b"x"), OrderedDict(a="x"), Name("x"), [Name("x")],
                  {"k": [UserList([OrderedDict(b=bytearray(b"y"))])]}]
    assert [SocketPacket.data_is_binary(p) for p in subclassed] == [Packet.data_is_binary(p) for p in subclassed]


def test_packets_encode_and_decode_as_before():
    data = ["message", {"text": "héllo 👋", "n": [1, 2.5, None, True], "nested": {"k": "v"}}]
    encoded = SocketPacket(EVENT, data=data, id=7).encode()
    assert encoded == '27["message",{"text":"héllo 👋","n":[1,2.5,null,true],"nested":{"k":"v"}}]'  # UTF-8, not \\u
    assert Packet(encoded_packet=encoded).data == data == SocketPacket(encoded_packet=encoded).data
    assert SocketPacket(EVENT, data=["x", {1: "int key"}]).encode() == '2["x",{"1":"int key"}]'  # json's way
    assert SocketPacket(encoded_packet='2["x","\\ud800"]').data == ["x", "\ud800"]  # read as json reads it
    assert SocketPacket(encoded_packet='2["x",{"a":]').data == [MALFORMED_EVENT]
    binary = SocketPacket(EVENT, data=["file", {"blob": b"\x00\x01"}])
    assert binary.packet_type == BINARY_EVENT
