"""Delivers domain events to the apps' devices, whatever transport caused them."""
import logging

from redis.exceptions import RedisError

from backend2.errors import Codes
from backend2.extensions import socketio
from backend2.services import events, presence, privacy
from backend2.services.message_views import viewer_key
from backend2.sockets.payloads import message_json, pins_json, public_user_json, settings_json, viewer_json
from backend2.sockets.rooms import emit_each_to_users, emit_to_users, user_room
from backend2.utils.time import iso
from backend2.utils.views import PersonView

log = logging.getLogger(__name__)

def _to_participants(event, message, conversation, extra=None):
    """The sender's devices get their copy (with status); everyone else gets theirs, one emit
    per group of recipients whose copies are alike (mentioned or not, which reactions are theirs)."""
    sender_copy = {**message_json(message.sender, message, conversation), **(extra or {})}
    others = [p for p in conversation.participants if p != message.sender]
    emit_each_to_users([(event, sender_copy, [message.sender])] + [
        (event, {**sender_copy, **viewer_json(message, viewer_id), "status": None}, alike)
        for viewer_id, alike in _alike(message, others)])


def _alike(message, user_ids):
    """(one of them, all of them) for each group of users who see the message alike."""
    groups = {}
    for user_id in user_ids:
        groups.setdefault(viewer_key(message, user_id), []).append(user_id)
    return [(members[0], members) for members in groups.values()]


@events.message_reacted.connect
def on_message_reacted(message, conversation, user_id, emoji, added):
    base = {"messageId": str(message.id), "conversationId": str(conversation.id), "userId": str(user_id),
            "emoji": emoji, "action": "add" if added else "remove", "updatedAt": iso(message.updated_at)}
    for viewer_id, viewers in _alike(message, conversation.participants):
        emit_to_users("message_reaction", {**base, "reactions": viewer_json(message, viewer_id)["reactions"]}, viewers)


def _pin_event(event, message, conversation, actor_id):
    emit_to_users(event, {"messageId": str(message.id), "conversationId": str(conversation.id),
                          "userId": str(actor_id), "pins": pins_json(conversation)}, conversation.participants)


@events.message_pinned.connect
def on_message_pinned(message, conversation, actor_id):
    _pin_event("message_pinned", message, conversation, actor_id)


@events.message_unpinned.connect
def on_message_unpinned(message, conversation, actor_id):
    _pin_event("message_unpinned", message, conversation, actor_id)


@events.message_created.connect
def on_message_created(message, conversation):
    _to_participants("message", message, conversation)


@events.message_edited.connect
def on_message_edited(message, conversation):
    _to_participants("message_edited", message, conversation)


@events.message_deleted.connect
def on_message_deleted(message, conversation, scope, actor_id):
    if scope == "me":
        emit_to_users("message_deleted", {**message_json(actor_id, message, conversation), "scope": "me"}, [actor_id])
    else:
        _to_participants("message_deleted", message, conversation, {"scope": "everyone"})


@events.receipt_moved.connect
def on_receipt_moved(conversation, kind, user_id, up_to, private=False):
    """A read by someone who turned read receipts off reaches their own devices as a read and
    everyone else as a delivery."""
    payload = {"conversationId": str(conversation.id), "userId": str(user_id), "upTo": iso(up_to)}
    if kind != "read":
        emit_to_users("delivered", payload, conversation.participants)
    elif private:
        emit_to_users("read_up_to", payload, [user_id])
        emit_to_users("delivered", payload, [p for p in conversation.participants if str(p) != str(user_id)])
    else:
        emit_to_users("read_up_to", payload, conversation.participants)


@events.typing_changed.connect
def on_typing_changed(conversation, user_id, typing):
    payload = {"conversationId": str(conversation.id), "userId": str(user_id)}
    others = [p for p in conversation.participants if str(p) != str(user_id)]
    emit_to_users("typing" if typing else "typing-stopped", payload, others)


@events.conversation_settings_changed.connect
def on_conversation_settings_changed(conversation, user_id, settings):
    """The user's own devices: their settings of a conversation changed."""
    emit_to_users("conversation_settings", settings_json(settings), [user_id])


def _close_devices(event, user_id):
    """Tell every device of the user `event`, then close them, on whichever process holds them."""
    emit_to_users(event, {"userId": str(user_id)}, [user_id])
    for device_id in presence.device_ids(user_id):
        socketio.server.disconnect(device_id)


@events.sessions_ended.connect
def on_sessions_ended(_, sessions):
    """Devices connected with a session that just ended hear why, and are closed."""
    by_user = {}
    for session_id, user_id in sessions:
        by_user.setdefault(user_id, []).append(session_id)
    try:
        for user_id, session_ids in by_user.items():
            for device_id in presence.devices_of_sessions(user_id, session_ids):
                socketio.emit("session_revoked", {"code": Codes.SESSION_REVOKED,
                                                  "message": "This session has ended; sign in again"}, to=device_id)
                socketio.server.disconnect(device_id)
    except RedisError:  # each of those devices is refused at its next event all the same
        log.warning("Could not close the devices of ended sessions: Redis is unreachable")


@events.account_deleted.connect
def on_account_deleted(user_id, watchers):
    """The person's devices are closed; the people who shared a chat with them hear that they are gone."""
    _close_devices("account_deleted", user_id)
    emit_to_users("user_deleted", {"userId": str(user_id)}, watchers)


@events.account_suspended.connect
def on_account_suspended(user_id):
    _close_devices("account_suspended", user_id)


@events.presence_changed.connect
def on_presence_changed(user_id, online, last_seen, owner=None):
    """To the people who share a chat with the user, as much as the user's privacy settings show
    each of them: a watcher who may see neither online status nor last seen hears nothing."""
    shown = privacy.watchers_shown(owner, presence.watchers_of(user_id))
    audiences = {}
    for watcher, what in shown.items():
        if {"online", "lastSeen"} & what:
            audiences.setdefault(("online" in what, "lastSeen" in what), []).append(watcher)
    for (sees_online, sees_last_seen), watchers in audiences.items():
        now_online = online if sees_online else False
        seen = iso(last_seen) if sees_last_seen else None
        emit_to_users("presence", {"userId": str(user_id), "online": now_online, "lastSeen": seen}, watchers)
        emit_to_users("user-status-changed", {"userId": str(user_id), "status": "online" if now_online else "offline",
                                              "lastSeen": seen}, watchers)


@events.call_event.connect
def on_call_event(event, payload, users, devices, skip_device, after_ack):
    """To every device of `users` and to the single `devices`, except `skip_device`."""
    payload = {key: public_user_json(value) if isinstance(value, PersonView) else value
               for key, value in payload.items()}
    targets = [user_room(user_id) for user_id in users] + [device for device in devices if device]
    if not targets:
        return
    if after_ack:  # the handler's ack is sent when it returns; this greenlet runs after that
        socketio.start_background_task(socketio.emit, event, payload, to=targets, skip_sid=skip_device)
    else:
        socketio.emit(event, payload, to=targets, skip_sid=skip_device)
