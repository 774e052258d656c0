"""Rooms: every connection joins its user's room, so an event for a user reaches every device."""
from backend2.extensions import socketio


def user_room(user_id):
    return f"user:{user_id}"


def emit_to_users(event, payload, user_ids):
    """Emit `event` to every device of every user in `user_ids` (across processes with Redis)."""
    emit_each_to_users([(event, payload, user_ids)])


def emit_each_to_users(emits):
    """Several (event, payload, user ids) emits, reaching the other processes in one publish."""
    batch = [(event, payload, rooms) for event, payload, user_ids in emits
             if (rooms := [user_room(user_id) for user_id in {str(uid) for uid in user_ids}])]
    if batch:
        socketio.server.manager.emit_each(batch)
