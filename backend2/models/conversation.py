import mongoengine as me
from bson import ObjectId

from backend2.models.base import TimestampedDocument


class PinnedMessage(me.EmbeddedDocument):
    message = me.ObjectIdField(required=True)
    pinned_by = me.ObjectIdField(db_field="pinnedBy")
    pinned_at = me.DateTimeField(db_field="pinnedAt")


class Conversation(TimestampedDocument):
    """A direct chat between two users or a group; `participants` is in joining order."""

    meta = {
        "collection": "conversations",
        "indexes": [
            # One direct conversation per pair: the two ids sorted and joined.
            {"fields": ["participant_key"], "unique": True, "sparse": True},
            {"fields": ["participants", "-updated_at"]},
            {"fields": ["participants", "receipts_updated_at"]},
            # A chat both Express servers held is one conversation; the apps may still ask by either id.
            {"fields": ["legacy_ids"], "sparse": True},
            # Joining by invite link.
            {"fields": ["invite_token"], "unique": True, "sparse": True},
        ],
    }

    type = me.StringField(required=True, choices=("direct", "group"))
    participants = me.ListField(me.ObjectIdField(), required=True)
    participant_key = me.StringField(db_field="participantKey")
    name = me.StringField()
    avatar = me.StringField()
    admins = me.ListField(me.ObjectIdField(), default=list)
    created_by = me.ObjectIdField(db_field="createdBy")
    last_message = me.ObjectIdField(db_field="lastMessage")
    delivered_up_to = me.DictField(db_field="deliveredUpTo", default=dict)
    read_up_to = me.DictField(db_field="readUpTo", default=dict)
    # Moves with receipt cursors (not updatedAt, which orders the list by activity).
    receipts_updated_at = me.DateTimeField(db_field="receiptsUpdatedAt")
    legacy_ids = me.ListField(me.ObjectIdField(), db_field="legacyIds", default=None)
    # Each participant's own settings, by user id: {mutedUntil, archived, pinnedAt, markedUnread, clearedAt}.
    member_settings = me.DictField(db_field="memberSettings", default=dict)
    description = me.StringField()
    only_admins_can_send = me.BooleanField(db_field="onlyAdminsCanSend", default=False)
    only_admins_can_pin = me.BooleanField(db_field="onlyAdminsCanPin", default=False)
    pins = me.EmbeddedDocumentListField(PinnedMessage, default=list)  # oldest first
    invite_token = me.StringField(db_field="inviteToken")
    # Messages sent while set disappear this many seconds after they were sent (None: off).
    disappearing_seconds = me.IntField(db_field="disappearingSeconds")

    @classmethod
    def find_for_participant(cls, conversation_id, user_id):
        """The conversation with this id (or, failing that, this Express-server id) if
        `user_id` takes part in it; None otherwise."""
        return (cls.find_one_raw({"_id": conversation_id, "participants": user_id})
                or cls.find_one_raw({"legacyIds": conversation_id, "participants": user_id}))

    @classmethod
    def page_with_last_messages(cls, match, sort, skip, limit):
        """[(conversation, its last message as stored or None)] of one page, in one command."""
        rows = cls._get_collection().aggregate([
            {"$match": match}, {"$sort": sort}, {"$skip": skip}, {"$limit": limit},
            {"$lookup": {"from": "messages", "localField": "lastMessage", "foreignField": "_id", "as": "lastMessages"}},
        ])
        return [(cls._from_son(row), (row.pop("lastMessages") or [None])[0]) for row in rows]

    @classmethod
    def members_alongside(cls, user_id):
        """Everyone in a conversation with `user_id` (them included), in one distinct command
        (the queryset's own `distinct` costs more than the command on the connect path)."""
        return cls._get_collection().distinct("participants", {"participants": ObjectId(str(user_id))})

    @classmethod
    def update_raw(cls, conversation_id, update):
        """Apply a raw MongoDB update (stored field names) to one conversation."""
        cls._get_collection().update_one({"_id": conversation_id}, update)

    @classmethod
    def pull_pin(cls, conversation_id, message_id):
        """Unpin a message; True when it was pinned."""
        return cls._get_collection().update_one({"_id": conversation_id, "pins.message": message_id},
                                                {"$pull": {"pins": {"message": message_id}}}).modified_count == 1

    @classmethod
    def bump(cls, conversation_id, message_id, at):
        """Make a message the last one and move `updatedAt`, unless a later one got there first."""
        cls._get_collection().update_one({"_id": conversation_id, "updatedAt": {"$lte": at}},
                                         {"$set": {"lastMessage": message_id, "updatedAt": at}})

    @classmethod
    def replace_last_message(cls, conversation_id, message_id, successor_id):
        """`successor_id` (or nothing) becomes the last message where `message_id` was it."""
        update = {"$set": {"lastMessage": successor_id}} if successor_id else {"$unset": {"lastMessage": ""}}
        cls._get_collection().update_one({"_id": conversation_id, "lastMessage": message_id}, update)
