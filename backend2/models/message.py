import mongoengine as me

from backend2.models.base import TimestampedDocument


class Attachment(me.EmbeddedDocument):
    url = me.StringField(required=True)
    name = me.StringField(default="")
    size = me.IntField()
    mime_type = me.StringField(db_field="mimeType")
    width = me.IntField()
    height = me.IntField()
    thumbnail_url = me.StringField(db_field="thumbnailUrl")
    duration_ms = me.IntField(db_field="durationMs")


class Edit(me.EmbeddedDocument):
    """A previous version of an edited message."""

    text = me.StringField(default="")
    edited_at = me.DateTimeField(db_field="editedAt")


class Reaction(me.EmbeddedDocument):
    """One emoji on a message and who reacted with it, in reacting order."""

    emoji = me.StringField(required=True)
    users = me.ListField(me.ObjectIdField(), default=list)


class Message(TimestampedDocument):
    """One message. `updatedAt` moves on every change, which is what sync reads."""

    meta = {
        "collection": "messages",
        "indexes": [
            # History pages and unread counts: newest first within a conversation.
            {"fields": ["conversation", "created_at", "id"]},
            # Sync: what changed in a conversation since a cursor.
            {"fields": ["conversation", "updated_at", "id"]},
            # Who may fetch an attached file: the conversations of the messages that hold it, as
            # an attachment or as their card's image (both halves of conversations_holding's $or).
            {"fields": ["attachments.url"]},
            {"fields": ["link_preview.image"], "sparse": True},
            # Search: messages holding a word, newest first (`searchTerms` is multikey).
            {"fields": ["search_terms", "-created_at", "-id"]},
            # Disappearing messages: the sweep for those due (services/messages/expiry.py), which
            # holds only those still there, so the tombstones of all that went are never read again.
            {"fields": ["expires_at", "id"], "partialFilterExpression": {"deleted": False}},
            # Exactly-once sends: one message per sender and client id, where one was given.
            {"fields": ["sender", "client_id"], "unique": True,
             "partialFilterExpression": {"clientId": {"$type": "string"}}},
        ],
    }

    conversation = me.ObjectIdField(required=True)
    sender = me.ObjectIdField(required=True)
    type = me.StringField(default="text")
    text = me.StringField(default="")
    attachments = me.EmbeddedDocumentListField(Attachment, default=list)
    location = me.DictField()
    contact = me.DictField()
    call = me.DictField()  # type "call": {callId, type, outcome, duration}
    reply_to = me.ObjectIdField(db_field="replyTo")
    client_id = me.StringField(db_field="clientId")
    edited_at = me.DateTimeField(db_field="editedAt")
    edits = me.EmbeddedDocumentListField(Edit, default=list)
    deleted = me.BooleanField(default=False)
    deleted_at = me.DateTimeField(db_field="deletedAt")
    hidden_for = me.ListField(me.ObjectIdField(), db_field="hiddenFor", default=list)
    reactions = me.EmbeddedDocumentListField(Reaction, default=list)
    mentions = me.ListField(me.ObjectIdField(), default=list)
    forwarded = me.BooleanField(default=False)
    forward_count = me.IntField(db_field="forwardCount", default=0)  # hops from the first sender
    system = me.DictField()  # type "system": {action, actorId, userIds, changes}
    # The words of the text, normalised (utils/search_terms.py): what search looks up.
    search_terms = me.ListField(me.StringField(), db_field="searchTerms", default=list)
    # In a chat with disappearing messages: when it goes for everyone (services/messages/expiry.py).
    expires_at = me.DateTimeField(db_field="expiresAt")
    # The card of its first link: {url, title, description, siteName, image, fetchedAt}.
    link_preview = me.DictField(db_field="linkPreview", default=None)

    @classmethod
    def unindexed_for_search(cls, after_id, limit):
        """Stored messages (not deleted) without `searchTerms`, after `after_id` in id order: {_id, text}."""
        query = {"searchTerms": {"$exists": False}, "deleted": {"$ne": True}}
        if after_id is not None:
            query["_id"] = {"$gt": after_id}
        return list(cls._get_collection().find(query, {"text": 1}).sort("_id", 1).limit(limit))

    @classmethod
    def count_unindexed_for_search(cls):
        return cls._get_collection().count_documents({"searchTerms": {"$exists": False}, "deleted": {"$ne": True}})

    @classmethod
    def unread_counts(cls, viewer_id, scope):
        """{conversation: (count, count mentioning the viewer)} of others' visible messages, not
        system lines, within `scope` (a list of raw clauses, any of which a message may match)."""
        mentioned = {"$cond": [{"$in": [viewer_id, {"$ifNull": ["$mentions", []]}]}, 1, 0]}
        rows = cls._get_collection().aggregate([
            {"$match": {"$or": scope, "sender": {"$ne": viewer_id}, "deleted": {"$ne": True},
                        "hiddenFor": {"$ne": viewer_id}, "type": {"$ne": "system"}}},
            {"$group": {"_id": "$conversation", "unread": {"$sum": 1}, "mentions": {"$sum": mentioned}}},
        ])
        return {row["_id"]: (row["unread"], row["mentions"]) for row in rows}

    @classmethod
    def update_raw(cls, query, update):
        """Apply a raw MongoDB update (stored field names) to the first match; True when it changed it."""
        return cls._get_collection().update_one(query, update).modified_count == 1

    @classmethod
    def conversations_holding(cls, url):
        """The conversations with a message (not deleted) that has the file at `url` attached,
        or shows it as its link preview's image."""
        return cls._get_collection().distinct("conversation", {"$or": [{"attachments.url": url},
                                                                       {"linkPreview.image": url}]})

    @classmethod
    def due_to_expire(cls, now, limit):
        """Ids of messages whose time ran out and that are not gone yet, oldest due first."""
        rows = cls._get_collection().find({"expiresAt": {"$lte": now}, "deleted": False}, {"_id": 1})
        return [row["_id"] for row in rows.sort([("expiresAt", 1), ("_id", 1)]).limit(limit)]

    @classmethod
    def held_only_while_disappearing(cls, urls):
        """Those of `urls` that messages show (attached, or as a card's image) only while they
        have `expiresAt`: files that go when those messages do."""
        shown, kept = set(), set()
        for field in ("attachments.url", "linkPreview.image"):
            held = {field: {"$in": list(urls)}}
            shown.update(cls._get_collection().distinct(field, held))
            kept.update(cls._get_collection().distinct(field, {**held, "expiresAt": None}))
        return (shown - kept) & set(urls)
