"""Receipts as Backend2 keeps them: per-participant cursors, settled once messages are in.

The desktop server kept receipts per message (`readBy`, `deliveredTo`, `status`), the mobile
server as cursors on the conversation. A participant's `readUpTo` becomes the time of the
newest message they had read, and `deliveredUpTo` of the newest they had received (read
implies received); the mobile cursors and Backend2's own join by taking the latest. Each
conversation's last message is its newest one, unless Backend2 already has a newer one.
"""
from collections import defaultdict

from backend2.models import Conversation, Message
from backend2.utils.time import as_utc


class CursorBook:
    def __init__(self):
        self.read = defaultdict(dict)       # conversation -> {user: time}
        self.delivered = defaultdict(dict)  # conversation -> {user: time}
        self.last = {}                      # conversation -> (createdAt, message id)

    def saw(self, conversation, user, delivered=None, read=None):
        """`user` had received everything up to `delivered`, and read everything up to `read`."""
        for book, moment in ((self.delivered, delivered), (self.read, read), (self.delivered, read)):
            current = book[conversation].get(user)
            if moment is not None and (current is None or moment > current):
                book[conversation][user] = moment

    def message(self, conversation, created_at, message_id):
        if conversation not in self.last or (created_at, message_id) > self.last[conversation]:
            self.last[conversation] = (created_at, message_id)

    def conversations(self):
        return sorted(set(self.read) | set(self.delivered) | set(self.last))

    def update_for(self, conversation, stored, last_message_time, now):
        """The update that brings a stored conversation up to this book, or None; and what moved."""
        moved = {}
        for field, book in (("readUpTo", self.read), ("deliveredUpTo", self.delivered)):
            current = stored.get(field) or {}
            for user, moment in book.get(conversation, {}).items():
                if current.get(str(user)) is None or as_utc(current[str(user)]) < moment:
                    moved[f"{field}.{user}"] = moment
        update = {"$max": moved, "$set": {"receiptsUpdatedAt": now}} if moved else {}
        newest = self.last.get(conversation)
        stored_last = stored.get("lastMessage")
        if newest and newest[1] != stored_last and (
                stored_last is None or last_message_time is None or newest > (as_utc(last_message_time), stored_last)):
            update.setdefault("$set", {})["lastMessage"] = newest[1]
            update.setdefault("$max", {})["updatedAt"] = newest[0]
        return update or None, bool(moved)


def settle(run, section):
    """Write every conversation's cursors and last message (in batches); report what moved."""
    book = run.cursors
    ids = book.conversations()
    for start in range(0, len(ids), run.batch_size):
        chunk = ids[start:start + run.batch_size]
        stored = Conversation.raw_by_ids(chunk, {"readUpTo": 1, "deliveredUpTo": 1, "lastMessage": 1})
        last_ids = [c["lastMessage"] for c in stored.values() if c.get("lastMessage")]
        last_times = {m["_id"]: m["createdAt"] for m in Message.raw_by_ids(last_ids, {"createdAt": 1}).values()}
        updates = []
        for conversation in chunk:
            current = stored.get(conversation, {})
            update, moved = book.update_for(conversation, current, last_times.get(current.get("lastMessage")),
                                            run.run_at)
            if update is None:
                continue
            updates.append((conversation, update, False))
            section.notes["receipt cursors moved"] += moved
            section.notes["last messages set"] += "lastMessage" in update.get("$set", {})
            if run.mode == "verify":
                section.different.append({"target": str(conversation), "what": "receipts or last message"})
        if run.mode == "import":
            Conversation.bulk_update(updates)
