"""`insert_new` stores exactly what constructing the document and saving it would, in one
insert, and what it returns (models/stored.py) reads and is presented as that document: the
send path relies on both (backend2/models/base.py). The message schema's own reading of a
presented message (schemas/common.py's PresentedReading) is held to marshmallow's here too."""
from datetime import timedelta

import pytest
from bson import ObjectId
from marshmallow import Schema
from mongoengine import NotUniqueError

from backend2.models import Attachment, Conversation, Message
from backend2.schemas.messages import MessageSchema
from backend2.services.messages.message_views import present_one
from backend2.sockets.payloads import message_json
from backend2.utils.time import utcnow


def variants():
    conversation, sender, other = ObjectId(), ObjectId(), ObjectId()
    now = utcnow()
    base = dict(conversation=conversation, sender=sender, created_at=now, updated_at=now)
    return [
        {**base, "type": "text", "text": "hello", "search_terms": ["hello"], "client_id": "c-1", "mentions": []},
        {**base, "type": "image", "text": "", "attachments": [Attachment(url="/uploads/a.png", name="a.png", size=3,
                                                                         mime_type="image/png", width=2, height=1)],
         "mentions": [other], "reply_to": ObjectId(), "location": None, "contact": None},
        {**base, "type": "location", "location": {"lat": 1.5, "lng": 2.5}},
        {**base, "type": "call", "text": "Voice call", "call": {"callId": "x", "type": "audio", "outcome": "missed"}},
        {**base, "type": "system", "text": "Ada joined", "system": {"action": "member_joined", "actorId": sender,
                                                                    "userIds": [], "changes": []}},
        {**base, "type": "text", "text": "fwd", "forwarded": True, "forward_count": 2},
        {**base, "type": "contact", "text": "", "contact": {"name": "Ada", "phone": "+15551234567"},
         "expires_at": now + timedelta(seconds=30)},
        {**base, "type": "text", "text": "see https://example.org", "search_terms": ["see", "example", "org"],
         "expires_at": now + timedelta(days=1),
         "link_preview": {"url": "https://example.org", "title": "Example", "description": "A page", "siteName": "Ex",
                          "image": "/uploads/card.png", "fetchedAt": now}},
    ]


def stored(message_id):
    son = Message._get_collection().find_one({"_id": message_id})
    son.pop("_id")
    son.pop("updatedAt")  # save() moves it to its own now
    return son


@pytest.mark.parametrize("index", range(len(variants())))
def test_insert_new_stores_what_save_stores(app, index):
    with app.app_context():
        values = variants()[index]
        saved = Message(**values).save(force_insert=True)
        inserted = Message.insert_new(**{**values, **({"client_id": "c-2"} if "client_id" in values else {})})
        expected = stored(saved.id)
        if "clientId" in expected:
            expected["clientId"] = "c-2"
        assert stored(inserted.id) == expected
        held = [{name: getattr(m, name) for name in Message._fields if name not in ("id", "updated_at", "client_id")}
                for m in (saved, inserted)]
        assert held[0] == held[1]  # what it returns reads as a saved document does, field by field
        assert [type(a) for a in inserted.attachments] == [type(a) for a in saved.attachments]


@pytest.mark.parametrize("index", range(len(variants())))
def test_what_insert_new_returns_is_presented_as_the_saved_document_is(app, index):
    """The message JSON of both apps' names, for its sender and for another member."""
    with app.app_context():
        values = variants()[index]
        inserted = Message.insert_new(**values)
        loaded = Message.objects(id=inserted.id).first()  # the first test holds it to what save stores
        chat = Conversation(id=values["conversation"], type="direct", participants=[values["sender"], ObjectId()])
        for viewer in chat.participants:
            shown = [message_json(viewer, m, chat) for m in (loaded, inserted)]
            assert shown[0] == shown[1]
            assert {"_id", "id", "from", "sender", "content", "text", "conversationId", "conversation"} <= set(shown[1])


def test_a_duplicate_key_is_not_unique_and_an_unknown_field_is_refused(app):
    with app.app_context():
        values = variants()[0]
        Message.insert_new(**values)
        with pytest.raises(NotUniqueError):
            Message.insert_new(**values)
        with pytest.raises(TypeError):
            Message.insert_new(**values, colour="red")


@pytest.mark.parametrize("index", range(len(variants())))
def test_the_message_schema_reads_a_presented_message_as_marshmallow_would(app, index):
    """schemas/common.py's PresentedReading: the same JSON as marshmallow's own lookup."""
    class GenericReading(MessageSchema):
        def get_attribute(self, obj, attr, default):
            return Schema.get_attribute(self, obj, attr, default)

    with app.app_context():
        values = variants()[index]
        inserted = Message.insert_new(**values)
        loaded = Message.objects(id=inserted.id).first()
        chat = Conversation(id=values["conversation"], type="direct", participants=[values["sender"], ObjectId()])
        for message in (inserted, loaded):
            presented = present_one(values["sender"], message, chat)
            assert MessageSchema().dump(presented) == GenericReading().dump(presented)
