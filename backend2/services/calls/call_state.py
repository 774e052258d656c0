"""The live state of ringing and running calls, shared by every server process.

In Redis (or the in-process stand-in without REDIS_URL), under REDIS_NAMESPACE (`b2`):
- `b2:call:{id}` a hash: caller, callee, type, conversation, offer (JSON), state
  (`ringing`/`active`), callerDevice, calleeDevice (empty until answered), answeredAt;
- `b2:call:{id}:held` the caller's ICE candidates sent before the answer;
- `b2:user-call:{userId}` the call a user is in (ringing or talking): the busy signal;
- `b2:device-call:{deviceId}` the call a device takes part in.

Every change that depends on the current state is a WATCH/MULTI transaction, so two
processes racing (answer against timeout, two devices answering) never both win.
"""
import json

import redis

from backend2.extensions import redis_store

# A safety net only: every key is removed when its call ends.
KEY_TTL_SECONDS = 12 * 3600
RETRIES = 5


def _call_key(call_id):
    return redis_store.key("call", call_id)


def _held_key(call_id):
    return redis_store.key("call", call_id, "held")


def _user_key(user_id):
    return redis_store.key("user-call", user_id)


def _device_key(device_id):
    return redis_store.key("device-call", device_id)


def claim_user(user_id, call_id):
    """Mark the user as in this call; False if they are in another one."""
    return bool(redis_store.state.set(_user_key(user_id), call_id, nx=True, ex=KEY_TTL_SECONDS))


def release_user(user_id, call_id):
    """Undo `claim_user` (only this call's claim: nobody else can hold it meanwhile)."""
    key = _user_key(user_id)
    if _text(redis_store.state.get(key)) == call_id:
        redis_store.state.delete(key)


def call_of_user(user_id):
    return _text(redis_store.state.get(_user_key(user_id)))


def call_of_device(device_id):
    return _text(redis_store.state.get(_device_key(device_id)))


def start(call_id, fields, caller_device):
    """Record a new ringing call."""
    pipe = redis_store.state.pipeline(transaction=True)
    pipe.hset(_call_key(call_id), mapping={**fields, "state": "ringing", "callerDevice": caller_device,
                                           "calleeDevice": "", "answeredAt": ""})
    pipe.expire(_call_key(call_id), KEY_TTL_SECONDS)
    pipe.set(_device_key(caller_device), call_id, ex=KEY_TTL_SECONDS)
    pipe.execute()


def get(call_id):
    """The call's fields as strings, or None when it is not ringing or running."""
    return _decode(redis_store.state.hgetall(_call_key(call_id))) or None


def change(call_id, decide):
    """Atomically apply `decide(call) -> {field: value} | None` to the live call.

    Returns (call before, changes): changes is None when `decide` declined or the call is gone.
    """
    def attempt(pipe):
        call = _decode(pipe.hgetall(_call_key(call_id)))
        changes = decide(call) if call else None
        if changes:
            pipe.multi()
            pipe.hset(_call_key(call_id), mapping=changes)
        return call or None, changes

    return _transaction(_call_key(call_id), attempt)


def take(call_id, accept=lambda call: True):
    """Atomically remove the live call if `accept(call)`; returns the call, or None.

    Whoever takes a call is the one who ends it, so each call ends exactly once.
    """
    def attempt(pipe):
        call = _decode(pipe.hgetall(_call_key(call_id)))
        if not call or not accept(call):
            return None
        pipe.multi()
        pipe.delete(_call_key(call_id), _held_key(call_id))
        return call

    return _transaction(_call_key(call_id), attempt)


def forget_devices(call_id, device_ids):
    """Drop device → call links that still point at this call."""
    for device_id in filter(None, device_ids):
        if call_of_device(device_id) == call_id:
            redis_store.state.delete(_device_key(device_id))


def link_device(device_id, call_id):
    redis_store.state.set(_device_key(device_id), call_id, ex=KEY_TTL_SECONDS)


def hold_candidate(call_id, candidate):
    """Keep a caller candidate for the answering device; False once the call is no longer ringing."""
    def attempt(pipe):
        if _text(pipe.hget(_call_key(call_id), "state")) != "ringing":
            return False
        pipe.multi()
        pipe.rpush(_held_key(call_id), json.dumps(candidate))
        pipe.expire(_held_key(call_id), KEY_TTL_SECONDS)
        return True

    return _transaction(_call_key(call_id), attempt)


def release_held(call_id):
    """The held candidates, in order, removed."""
    pipe = redis_store.state.pipeline(transaction=True)
    pipe.lrange(_held_key(call_id), 0, -1)
    pipe.delete(_held_key(call_id))
    return [json.loads(item) for item in pipe.execute()[0]]


def _transaction(watched_key, attempt):
    """Run `attempt(pipe)` under WATCH until no other client changed `watched_key` meanwhile."""
    for _ in range(RETRIES):
        with redis_store.state.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(watched_key)
                result = attempt(pipe)
                if pipe.explicit_transaction:
                    pipe.execute()
                return result
            except redis.WatchError:
                continue
    raise redis.WatchError(f"{watched_key} kept changing")


def _text(value):
    return value.decode() if isinstance(value, bytes) else value


def _decode(mapping):
    return {_text(key): _text(value) for key, value in mapping.items()}
