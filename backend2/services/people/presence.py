"""Who is online: devices counted across every process, with crashed processes aging out.

Each user has a sorted set of their connected devices scored by expiry. Processes refresh
their own devices' expiry every third of PRESENCE_TTL_SECONDS; a device whose process died
stops counting when its expiry passes, and its deadline makes one surviving process report
the user offline.

Beside it, a hash maps each connected device to its session, so pushes can skip the
sessions (devices) that have a live socket.
"""
import time

from flask import current_app

from backend2.extensions import redis_store
from backend2.models import Conversation, User
from backend2.services.people import privacy
from backend2.services.people.blocks import blocked_between
from backend2.services.support import cached, deadlines
from backend2.services.support.announce import announce
from backend2.services.support.events import DeviceGone, PresenceChanged
from backend2.utils.time import utcnow


def _devices_key(user_id):
    return redis_store.key("presence", user_id)


def _sessions_key(user_id):
    return redis_store.key("presence-sessions", user_id)


def _deadline_key(user_id, device_id):
    return f"{user_id}|{device_id}"


def _ttl():
    return current_app.config["PRESENCE_TTL_SECONDS"]


def _count_in(pipe, user_id, device_id, session_id, expiry):
    pipe.zadd(_devices_key(user_id), {device_id: expiry})
    pipe.hset(_sessions_key(user_id), device_id, str(session_id or ""))
    for key in (_devices_key(user_id), _sessions_key(user_id)):
        pipe.expire(key, int(_ttl() * 2) + 1)


def device_connected(user, device_id, session_id=None):
    """Count a device (of `session_id`) of `user` (as just authenticated: current, from the
    caches every process keeps) in; announces the user online when it is their first."""
    user_id, now = str(user.id), time.time()
    pipe = redis_store.state.pipeline(transaction=True)
    pipe.zremrangebyscore(_devices_key(user_id), "-inf", now)
    _count_in(pipe, user_id, device_id, session_id, now + _ttl())
    deadlines.schedule("presence", _deadline_key(user_id, device_id), now + _ttl(), pipe=pipe)
    pipe.zcard(_devices_key(user_id))
    count = pipe.execute()[-1]
    if count == 1:
        announce(PresenceChanged(user_id, True, user.last_seen, owner=user))


def device_disconnected(user_id, device_id):
    """Count a device out; saves lastSeen and announces the user offline when it was their last."""
    now = time.time()
    pipe = redis_store.state.pipeline(transaction=True)
    pipe.zrem(_devices_key(user_id), device_id)
    pipe.zremrangebyscore(_devices_key(user_id), "-inf", now)
    pipe.zcard(_devices_key(user_id))
    pipe.hdel(_sessions_key(user_id), device_id)
    removed, _, count, _ = pipe.execute()
    deadlines.cancel("presence", _deadline_key(user_id, device_id))
    announce(DeviceGone(device_id, user_id))
    if removed and count == 0:
        last_seen = utcnow()
        user = User.objects(id=user_id).only(*privacy.SHOWN.values()).modify(set__last_seen=last_seen, new=True)
        cached.forget_user(user_id)
        announce(PresenceChanged(user_id, False, last_seen, owner=user))


@deadlines.handles("presence")
def _device_expired(key):
    user_id, _, device_id = key.partition("|")
    device_disconnected(user_id, device_id)


def keep_alive(devices):
    """Push back the expiry of this process's devices: [(user_id, device_id, session_id)].

    Also writes them back if they are missing, as after Redis restarted empty: they are
    connected to this process right now, so they count again within a keep-alive period.
    """
    if not devices:
        return
    expiry = time.time() + _ttl()
    pipe = redis_store.state.pipeline(transaction=False)
    for user_id, device_id, session_id in devices:
        _count_in(pipe, user_id, device_id, session_id, expiry)
        deadlines.schedule("presence", _deadline_key(user_id, device_id), expiry, pipe)
    pipe.execute()


# Live devices of each user named, in one command whatever their number (a page of chats names dozens).
_COUNT_LIVE = """
local counts = {}
for i, key in ipairs(KEYS) do counts[i] = redis.call('zcount', key, ARGV[1], '+inf') end
return counts
"""


def online_user_ids(user_ids):
    """The subset of `user_ids` with a live device."""
    user_ids = list(dict.fromkeys(str(uid) for uid in user_ids))
    if not user_ids:
        return set()
    counts = redis_store.script(_COUNT_LIVE)(keys=[_devices_key(uid) for uid in user_ids], args=[time.time()])
    return {uid for uid, count in zip(user_ids, counts) if count}


def device_ids(user_id):
    """The ids of the user's connected devices (socket ids), on every process."""
    return [raw.decode() for raw in redis_store.state.zrangebyscore(_devices_key(user_id), time.time(), "+inf")]


def devices_of_sessions(user_id, session_ids):
    """The ids of the user's connected devices (on every process) signed in with these sessions."""
    wanted = {str(session_id) for session_id in session_ids}
    sessions = redis_store.state.hgetall(_sessions_key(user_id))
    return [device for device in device_ids(user_id) if sessions.get(device.encode(), b"").decode() in wanted]


def live_sessions(user_ids):
    """{user id: the ids of their sessions with a connected device}, in one round trip."""
    user_ids = [str(uid) for uid in user_ids]
    now = time.time()
    pipe = redis_store.state.pipeline(transaction=False)
    for user_id in user_ids:
        pipe.zrangebyscore(_devices_key(user_id), now, "+inf")
        pipe.hgetall(_sessions_key(user_id))
    replies = pipe.execute()
    live = {}
    for index, user_id in enumerate(user_ids):
        devices, sessions = replies[2 * index], replies[2 * index + 1]
        live[user_id] = {sessions[device].decode() for device in devices if sessions.get(device)}
    return live


def presence_of(viewer, user_ids):
    """[{userId, online, lastSeen}] as `viewer` may see it: blocked users look offline."""
    users = {str(u.id): u for u in User.objects(id__in=list(user_ids))}
    visible = [uid for uid in users if not blocked_between(viewer, users[uid].id)]
    online = online_user_ids(visible)
    shown = privacy.shown_to(viewer, list(users.values()))
    return [{"userId": uid, "online": uid in online and "online" in shown[user.id],
             "lastSeen": user.last_seen if uid in visible and "lastSeen" in shown[user.id] else None}
            for uid, user in users.items()]


def watchers_of(user_id):
    """Users who share a conversation with `user_id`: they see their presence."""
    return [member for member in Conversation.members_alongside(user_id) if str(member) != str(user_id)]
