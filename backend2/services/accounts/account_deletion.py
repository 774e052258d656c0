"""Deleting an account, as the app stores require: everything stored about the person is
erased, and what other people hold keeps its shape.

Erased: profile (name, phone, email, password, avatar, about), sessions and their push
registrations, one-time codes, the contact book, blocks either way, chat requests either way,
stars, every file the person uploaded (their records at once; the stored files by the job
`remove_uploads`, on a worker), group memberships. Their messages in others' chats become
tombstones (text, attachments, reactions to them and search words erased, ids kept,
`updatedAt` moved so /messages/sync carries them), and the person becomes "Deleted account":
the user document stays with nothing else, so the ids other people's apps hold still resolve.
Reactions they gave stay, as "Deleted account"'s. The phone number can register again as a
new person. Calls stay in the other party's history.
"""
from datetime import timedelta

from flask import current_app

from backend2.errors import Codes, ValidationFailed
from backend2.extensions import jobs
from backend2.models import ChatRequest, ContactBook, Conversation, Message, Otp, Session, Star, Upload, User
from backend2.services.conversations.groups import hand_over_admin
from backend2.services.messages.changes import tombstone_changes
from backend2.services.people import legacy_tokens, otps, presence, sessions
from backend2.services.support import cached
from backend2.services.support.announce import announce
from backend2.services.support.events import AccountDeleted
from backend2.utils.passwords import check_password
from backend2.utils.time import utcnow

DELETED_NAME = "Deleted account"


def request_deletion(context, data):
    """Delete the caller's account after re-authentication: at once, or after the grace period
    (every device signed out now). Returns {status, deleteAt}."""
    user = context.user
    _reauthenticate(user, data)
    grace_days = current_app.config["ACCOUNT_DELETION_GRACE_DAYS"]
    if grace_days <= 0:
        erase(user)
        return {"status": "deleted", "deleteAt": None}
    due = utcnow() + timedelta(days=grace_days)
    User.objects(id=user.id).update_one(set__deletion_due_at=due)
    legacy_tokens.revoke_all(user.id)
    sessions.end_all(user.id)
    announce(AccountDeleted(user.id))  # only to disconnect its devices
    return {"status": "scheduled", "deleteAt": due}


def _reauthenticate(user, data):
    if data.get("password") is not None:
        if not (user.password_hash and check_password(data["password"], user.password_hash)):
            raise ValidationFailed("The password is wrong", code=Codes.INVALID_CURRENT_PASSWORD,
                                   details={"password": ["Wrong"]})
    elif data.get("otp") is not None:
        otps.consume_code(user.phone, "login", data["otp"])  # a code from POST /auth/send-otp-login
    else:
        raise ValidationFailed("Confirm with your password, or a code from POST /auth/send-otp-login",
                               details={"password": ["Give the password or an otp"]})


def cancel_scheduled_deletion(user):
    """A sign-in within the grace period keeps the account."""
    if user.deletion_due_at is not None:
        User.objects(id=user.id).update_one(unset__deletion_due_at=True)
        cached.forget_user(user.id)
        user.deletion_due_at = None


def erase_due_accounts(limit=100):
    """Erase the accounts whose grace period is over; returns how many."""
    due = list(User.objects(deletion_due_at__lte=utcnow(), deleted_at=None).limit(limit))
    for user in due:
        erase(user)
    return len(due)


def erase(user):
    """Everything about `user`, as the module says. Safe to run again after a failure."""
    uid, now = user.id, utcnow()
    watchers = presence.watchers_of(uid)
    Message.objects(sender=uid, deleted=False).update(**tombstone_changes(now))
    Star.objects(user=uid).delete()
    for group in Conversation.objects(type="group", participants=uid).only("id"):
        Conversation.objects(id=group.id).update_one(pull__participants=uid, pull__admins=uid, set__updated_at=now)
        hand_over_admin(group.id)
    names = [upload.stored_name for upload in Upload.objects(owner=uid).only("stored_name")]
    if names:  # the slow part, on a worker: the files, then their records (until then only the owner may fetch them)
        jobs.enqueue("remove_uploads", names)
    Session.objects(user=uid).delete()
    Otp.objects(phone=user.phone).delete()
    ContactBook.objects(user=uid).delete()
    ChatRequest.objects(sender=uid).delete()
    ChatRequest.objects(to=uid).delete()
    User.objects(blocked_users=uid).update(pull__blocked_users=uid)
    User.objects(id=uid).update_one(
        set__name=DELETED_NAME, set__phone=f"deleted:{uid}", unset__email=True, unset__password_hash=True,
        unset__avatar=True, set__about="", set__blocked_users=[], unset__legacy_ids=True,
        unset__deletion_due_at=True, set__deleted_at=now, set__updated_at=now)
    for forget in (cached.forget_users, cached.forget_sessions, cached.forget_blocks, cached.forget_conversations):
        forget()  # the person, their sessions, others' blocks of them, their groups
    announce(AccountDeleted(uid, tuple(watchers)))
