"""Microseconds per call of each step of a send, in-process on the embedded database.

    .venv/bin/python bench/send_path.py

No sockets: this isolates what `send_message` and its parts cost, for bench/RESULTS.md.
"""
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend2 import create_app  # noqa: E402
from backend2.database import ensure_indexes  # noqa: E402
from backend2.models import Conversation, Message, User  # noqa: E402
from backend2.schemas.messages import MessageSendSchema  # noqa: E402
from backend2.services.conversations.lookup import conversation_for  # noqa: E402
from backend2.services.messages import sending  # noqa: E402
from backend2.services.people.blocks import blocked_between  # noqa: E402
from backend2.sockets.payloads import message_json  # noqa: E402

CALLS = 2000


def timed(name, step):
    started = time.perf_counter()
    for _ in range(CALLS):
        step()
    print(f"{name:34s} {1e6 * (time.perf_counter() - started) / CALLS:7.1f} µs")


def main():
    app = create_app("testing", {"REDIS_URL": ""})
    with app.test_request_context():
        ensure_indexes()
        me, ada = User(name="Me", phone="+15550000001").save(), User(name="Ada", phone="+15550000002").save()
        chat = Conversation(type="direct", participants=[me.id, ada.id], participant_key=f"{me.id}:{ada.id}").save()
        for _ in range(CALLS):  # a conversation with history, as in a real run
            Message(conversation=chat.id, sender=me.id, text="earlier", client_id=str(uuid.uuid4())).save()
        schema = MessageSendSchema()

        def payload():
            return {"conversationId": str(chat.id), "text": "hello", "clientId": str(uuid.uuid4())}

        def fresh_json():
            message.__dict__.pop("_json_by_viewer", None)
            message_json(me.id, message, chat)

        message = Message.objects(conversation=chat.id).first()
        timed("schema load", lambda: schema.load(payload()))
        timed("conversation membership", lambda: conversation_for(me, chat.id))
        timed("block check", lambda: blocked_between(me, ada.id))
        timed("MongoEngine build + insert", lambda: Message(conversation=chat.id, sender=me.id, text="hi",
                                                             client_id=str(uuid.uuid4())).save(force_insert=True))
        timed("raw insert", lambda: Message._get_collection().insert_one(
            {"conversation": chat.id, "sender": me.id, "text": "hi", "clientId": str(uuid.uuid4())}))
        timed("last-message bump", lambda: Conversation.bump(chat.id, message.id, message.created_at))
        timed("serialise (message_json)", fresh_json)
        timed("send_message, whole", lambda: sending.send_message(me, schema.load(payload())))


if __name__ == "__main__":
    main()
