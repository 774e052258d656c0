"""Microseconds to write and read the JSON the server writes most, with `json` (Flask's and
python-socketio's default) and with orjson (infra/socketio_packets.py, infra/fast_json.py).

    .venv/bin/python bench/json_codecs.py
"""
import json
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402
from flask.json.provider import DefaultJSONProvider  # noqa: E402

from backend2.infra.fast_json import OrjsonProvider  # noqa: E402
from backend2.infra.socketio_packets import FastJson  # noqa: E402

ID = "656f0c1e2a3b4c5d6e7f8091"
MESSAGE = {"_id": ID, "id": ID, "conversation": ID, "conversationId": ID, "sender": ID, "from": ID, "to": ID,
           "text": "hello there how are you", "content": "hello there how are you", "type": "text",
           "attachments": [], "status": "sent", "createdAt": "2026-11-27T01:00:00.000Z",
           "updatedAt": "2026-11-27T01:00:00.000Z", "reactions": [], "mentions": [], "mentionsMe": False,
           "forwarded": False, "forwardCount": 0, "replyTo": None, "clientId": "a1b2c3d4-e5f6", "edited": False,
           "deleted": False}
EVENT = ["message", MESSAGE]
PAGE = {"messages": [dict(MESSAGE) for _ in range(50)], "pagination": {"hasMore": True, "nextCursor": "abc"}}


def micros(step, number=20000):
    return 1e6 * timeit.timeit(step, number=number) / number


def main():
    app = Flask(__name__)
    flask_json, fast_json = DefaultJSONProvider(app), OrjsonProvider(app)
    packet = json.dumps(EVENT)
    rows = [
        ("write a message event packet", lambda: json.dumps(EVENT, separators=(",", ":")),
         lambda: FastJson.dumps(EVENT, separators=(",", ":"))),
        ("read it", lambda: json.loads(packet), lambda: FastJson.loads(packet)),
        ("write a REST page of 50 messages", lambda: flask_json.dumps(PAGE, separators=(",", ":")),
         lambda: fast_json.dumps(PAGE, separators=(",", ":"))),
    ]
    for name, standard, fast in rows:
        print(f"{name:34s} json {micros(standard):7.1f} µs   orjson {micros(fast):6.1f} µs")


if __name__ == "__main__":
    main()
