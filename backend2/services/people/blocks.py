"""Blocking. A block hides each user from the other: search, profiles, requests, chats."""
from backend2.errors import Codes, ValidationFailed
from backend2.models import User
from backend2.services.support import cached


def hidden_user_ids(user):
    """Ids the user must not see: those they blocked and those who blocked them."""
    blocked_me = User.objects(blocked_users=user.id).scalar("id")
    return set(user.blocked_users) | set(blocked_me)


def blocked_between(user, other_id):
    """True when either of the two users blocked the other, as of now (not as of when `user`
    was loaded: a socket's user may be old), from the blocks every process keeps current."""
    return other_id in cached.blocked_by(user.id) or user.id in cached.blocked_by(other_id)


def block(user, other):
    if other.id == user.id:
        raise ValidationFailed("You cannot block yourself", code=Codes.CANNOT_BLOCK_SELF)
    User.objects(id=user.id).update_one(add_to_set__blocked_users=other.id)
    _forget(user)


def unblock(user, other_id):
    User.objects(id=user.id).update_one(pull__blocked_users=other_id)
    _forget(user)


def _forget(user):
    cached.forget_blocks(user.id)
    cached.forget_user(user.id)
    user.reload("blocked_users")


def blocked_users(user):
    return list(User.objects(id__in=user.blocked_users).order_by("name"))
