"""Delivers domain events to the apps' devices, whatever transport caused them: each function
is a receiver of one event type (services/support/events.py), registered in backend2/receivers.py."""
import logging

from redis.exceptions import RedisError

from backend2.errors import Codes
from backend2.extensions import socketio
from backend2.services.messages.message_views import viewer_key
from backend2.services.people import presence, privacy
from backend2.sockets.payloads import (
    export_json, message_json, pins_json, public_user_json, settings_json, viewer_json,
)
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


def on_message_reacted(event):
    message, conversation = event.message, event.conversation
    base = {"messageId": str(message.id), "conversationId": str(conversation.id), "userId": str(event.user_id),
            "emoji": event.emoji, "action": "add" if event.added else "remove", "updatedAt": iso(message.updated_at)}
    for viewer_id, viewers in _alike(message, conversation.participants):
        emit_to_users("message_reaction", {**base, "reactions": viewer_json(message, viewer_id)["reactions"]}, viewers)


def _pin_event(event, message, conversation, actor_id):
    emit_to_users(event, {"messageId": str(message.id), "conversationId": str(conversation.id),
                          "userId": str(actor_id) if actor_id else None, "pins": pins_json(conversation)},
                  conversation.participants)


def on_message_pinned(event):
    _pin_event("message_pinned", event.message, event.conversation, event.actor_id)


def on_message_unpinned(event):
    _pin_event("message_unpinned", event.message, event.conversation, event.actor_id)


def on_message_created(event):
    _to_participants("message", event.message, event.conversation)


def on_message_edited(event):
    _to_participants("message_edited", event.message, event.conversation)


def on_message_deleted(event):
    message, conversation, actor_id = event.message, event.conversation, event.actor_id
    if event.scope == "me":
        emit_to_users("message_deleted", {**message_json(actor_id, message, conversation), "scope": "me"}, [actor_id])
    else:
        _to_participants("message_deleted", message, conversation, {"scope": event.scope})


def on_link_preview_added(event):
    """Nothing the sender wrote changed: `message_updated`, not `message_edited`."""
    _to_participants("message_updated", event.message, event.conversation)


def on_conversation_updated(event):
    """Every member's devices: the chat's disappearing-message timer changed."""
    conversation, seconds = event.conversation, event.disappearing_seconds
    emit_to_users("conversation_updated", {
        "conversationId": str(conversation.id), "conversation_id": str(conversation.id),
        "disappearingSeconds": seconds, "disappearing_seconds": seconds,
        "userId": str(event.actor_id), "user_id": str(event.actor_id),
        "updatedAt": iso(conversation.updated_at), "updated_at": iso(conversation.updated_at)}, conversation.participants)


def on_receipt_moved(event):
    """A read by someone who turned read receipts off reaches their own devices as a read and
    everyone else as a delivery."""
    conversation, user_id = event.conversation, event.user_id
    payload = {"conversationId": str(conversation.id), "userId": str(user_id), "upTo": iso(event.up_to)}
    if event.kind != "read":
        emit_to_users("delivered", payload, conversation.participants)
    elif event.private:
        emit_to_users("read_up_to", payload, [user_id])
        emit_to_users("delivered", payload, [p for p in conversation.participants if str(p) != str(user_id)])
    else:
        emit_to_users("read_up_to", payload, conversation.participants)


def on_typing_changed(event):
    payload = {"conversationId": str(event.conversation.id), "userId": str(event.user_id)}
    others = [p for p in event.conversation.participants if str(p) != str(event.user_id)]
    emit_to_users("typing" if event.typing else "typing-stopped", payload, others)


def on_conversation_settings_changed(event):
    """The user's own devices: their settings of a conversation changed."""
    emit_to_users("conversation_settings", settings_json(event.settings), [event.user_id])


def _close_devices(event, user_id):
    """Tell every device of the user `event`, then close them, on whichever process holds them."""
    emit_to_users(event, {"userId": str(user_id)}, [user_id])
    for device_id in presence.device_ids(user_id):
        socketio.server.disconnect(device_id)


def on_sessions_ended(event):
    """Devices connected with a session that just ended hear why, and are closed."""
    by_user = {}
    for session_id, user_id in event.sessions:
        by_user.setdefault(user_id, []).append(session_id)
    try:
        for user_id, session_ids in by_user.items():
            for device_id in presence.devices_of_sessions(user_id, session_ids):
                socketio.emit("session_revoked", {"code": Codes.SESSION_REVOKED,
                                                  "message": "This session has ended; sign in again"}, to=device_id)
                socketio.server.disconnect(device_id)
    except RedisError:  # each of those devices is refused at its next event all the same
        log.warning("Could not close the devices of ended sessions: Redis is unreachable")


def on_account_deleted(event):
    """The person's devices are closed; the people who shared a chat with them hear that they are gone."""
    _close_devices("account_deleted", event.user_id)
    emit_to_users("user_deleted", {"userId": str(event.user_id)}, event.watchers)


def on_account_suspended(event):
    _close_devices("account_suspended", event.user_id)


def on_export_ready(event):
    """Every device of the owner: the export they asked for can be fetched."""
    emit_to_users("export_ready", export_json(event.job_id, event.url), [event.user_id])


def on_presence_changed(event):
    """To the people who share a chat with the user, as much as the user's privacy settings show
    each of them: a watcher who may see neither online status nor last seen hears nothing. Its
    audience is read once (who shares a chat, what each may see), never per watcher."""
    user_id, online, last_seen = event.user_id, event.online, event.last_seen
    shown = privacy.watchers_shown(event.owner, presence.watchers_of(user_id))
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


def on_call_event(event):
    """To every device of `users` and to the single `devices`, except `skip_device`."""
    payload = {key: public_user_json(value) if isinstance(value, PersonView) else value
               for key, value in event.payload.items()}
    targets = [user_room(user_id) for user_id in event.users] + [device for device in event.devices if device]
    if not targets:
        return
    if event.after_ack:  # the handler's ack is sent when it returns; this greenlet runs after that
        socketio.start_background_task(socketio.emit, event.name, payload, to=targets, skip_sid=event.skip_device)
    else:
        socketio.emit(event.name, payload, to=targets, skip_sid=event.skip_device)
