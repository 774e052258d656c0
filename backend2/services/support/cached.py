"""What the request paths read most, kept in every process (infra/shared_cache.py) and
forgotten, in every process, by the services that change it:

- `user(id)`: a user document. Forgotten on every change of one (profile, settings, privacy,
  blocks, last seen, role, suspension, deletion).
- `live_session(id)`: a session that has not ended. Forgotten when it ends (sign-out, another
  device ending it, a password change, signing out everywhere, deletion) or its push
  registration changes. Expiry is checked on every read.
- `membership(conversation id)`: a conversation as sending, typing and receipts need it:
  participants, admins, type, the group's rules and each member's settings. Its counters and
  cursors (`lastMessage`, `deliveredUpTo`, `readUpTo`) are whatever they were when it was read:
  what needs them reads the conversation itself. Forgotten by every change of members, admins,
  group settings or member settings. Handed out shared, made once per read from the
  database: read it, never change it (sending, typing and receipts only read it).
- `blocked_by(user id)`: whom a user blocked. Forgotten by blocking, unblocking and deletion.
- `message_time(conversation id, message id)`: when a message was sent, which never changes:
  the latest ones this process stored are kept by count (RECENT_MESSAGES_KEPT).

The others are handed out as new documents, so a caller's changes to them never reach the cache.
"""
from backend2.extensions import shared_cache
from backend2.models import Conversation, Message, Session, User
from backend2.utils.time import as_utc, utcnow


def active():
    """Whether reads are being served from the caches (else each goes to the database)."""
    return shared_cache.active


def user(user_id):
    son = user_record(user_id)
    return None if son is None else User.from_raw(son)


def user_record(user_id):
    """The user as stored, the same object until it changes: a holder of a document made from it
    knows it is current while this returns that object (`user_from` makes one)."""
    return shared_cache.get("user", user_id, lambda: User.raw_one({"_id": user_id}))


def user_from(record):
    return User.from_raw(record)


def live_session(session_id, user_id):
    """The session with this id of this user if it has not ended or expired, else None."""
    son = _live_session_record(session_id, user_id)
    return None if son is None else Session.from_raw(son)


def session_is_live(session_id, user_id):
    return _live_session_record(session_id, user_id) is not None


def _live_session_record(session_id, user_id):
    son = shared_cache.get("session", session_id, lambda: Session.raw_one({"_id": session_id, "revokedAt": None}))
    if son is None or son["user"] != user_id or as_utc(son["expiresAt"]) <= utcnow():
        return None
    return son


def legacy_session_id(fingerprint):
    """The id of the session a legacy token got on its first use, or None (a token's never changes)."""
    son = shared_cache.get("legacy", fingerprint,
                           lambda: Session.raw_one({"legacyFingerprint": fingerprint}, {"_id": 1}))
    return None if son is None else son["_id"]


def direct_conversation_id(key):
    """The id of the direct conversation with this participant key, or None (a pair's never changes)."""
    son = shared_cache.get("direct", key, lambda: Conversation.raw_one({"participantKey": key}, {"_id": 1}))
    return None if son is None else son["_id"]


def membership(conversation_id):
    return shared_cache.get("conversation", conversation_id,
                            lambda: Conversation.find_one_raw({"_id": conversation_id}))


def blocked_by(user_id):
    """The ids `user_id` blocked."""
    son = shared_cache.get("blocks", user_id, lambda: User.raw_one({"_id": user_id}, {"blockedUsers": 1}) or {})
    return set(son.get("blockedUsers", ()))


def message_time(conversation_id, message_id):
    """When the message with this id in this conversation was sent, or None when there is none."""
    known = shared_cache.lasting.get(message_id)
    if known is not None and known[0] == conversation_id:
        return known[1]
    message = Message.objects(id=message_id, conversation=conversation_id).only("created_at").first()
    return None if message is None else as_utc(message.created_at)


def remember_message_time(message):
    if shared_cache.lasting.maxsize:  # RECENT_MESSAGES_KEPT=0 keeps none
        shared_cache.lasting[message.id] = (message.conversation, as_utc(message.created_at))


def forget_user(user_id):
    shared_cache.forget("user", user_id)


def forget_users():
    shared_cache.forget("user")


def forget_session(session_id):
    shared_cache.forget("session", session_id)


def forget_sessions():
    shared_cache.forget("session")


def forget_conversation(conversation_id):
    shared_cache.forget("conversation", conversation_id)


def forget_conversations():
    shared_cache.forget("conversation")


def forget_blocks(user_id=None):
    shared_cache.forget("blocks", user_id)
