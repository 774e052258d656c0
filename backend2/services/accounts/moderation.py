"""What moderators may do, and the audit log of every time they do it.

Moderators are the users whose phone is in MODERATOR_PHONES or whose role is `moderator`
(`flask --app backend2 users set-role`). To anyone else every moderation action is a 404, as
if `/admin` did not exist.
"""
from flask import current_app

from backend2.errors import Codes, NotFound
from backend2.models import AuditEntry, Conversation, Message, Report, User
from backend2.services.messages import changes
from backend2.services.people import legacy_tokens, sessions
from backend2.services.support import cached
from backend2.services.support.announce import announce
from backend2.services.support.events import AccountSuspended
from backend2.services.support.pagination import paginate
from backend2.utils.ids import parse_object_id
from backend2.utils.phone import to_e164
from backend2.utils.time import utcnow


def set_role(raw_phone, role):
    """Give the account with this phone number `role` (moderator or user); returns the number."""
    number = to_e164(raw_phone, current_app.config["DEFAULT_REGION"]) or raw_phone
    if not User.objects(phone=number, deleted_at=None).update_one(set__role=role):
        raise NotFound(f"No account has the phone number {number}", code=Codes.USER_NOT_FOUND)
    cached.forget_users()
    return number


def is_moderator(user):
    return user.role == "moderator" or user.phone in current_app.config["MODERATOR_PHONES"]


def _moderator(user):
    if not is_moderator(user):
        raise NotFound("Not found", code=Codes.NOT_FOUND)
    return user


def _audit(moderator, action, target, **details):
    AuditEntry(moderator=moderator.id, action=action, target=target, details=details).save()


def list_reports(user, status, page, limit):
    _moderator(user)
    return paginate(Report.objects(status=status).order_by("created_at", "id"), page, limit)


def resolve_report(user, report_id, action, note):
    """Close a report, doing `action` first: none, message_deleted or user_suspended."""
    _moderator(user)
    report = _found(Report, report_id, Codes.REPORT_NOT_FOUND)
    if action == "message_deleted" and report.message:
        delete_message(user, report.message)
    elif action == "user_suspended" and report.reported_user:
        suspend(user, report.reported_user, note or f"report {report.id}")
    Report.objects(id=report.id).update_one(set__status="resolved", set__resolved_by=user.id,
                                            set__resolved_at=utcnow(), set__resolution=action,
                                            set__resolution_note=note, set__updated_at=utcnow())
    _audit(user, "report_resolved", report.id, resolution=action, note=note)
    return report.reload()


def suspend(user, user_id, reason):
    """Refuse the account's tokens and close its sockets until `unsuspend`."""
    _moderator(user)
    target = _found(User, user_id, Codes.USER_NOT_FOUND)
    User.objects(id=target.id).update_one(set__suspended_at=utcnow())
    legacy_tokens.revoke_all(target.id)
    _audit(user, "user_suspended", target.id, reason=reason)
    announce(AccountSuspended(target.id))
    return target.reload()


def unsuspend(user, user_id):
    _moderator(user)
    target = _found(User, user_id, Codes.USER_NOT_FOUND)
    User.objects(id=target.id).update_one(unset__suspended_at=True)
    cached.forget_user(target.id)
    _audit(user, "user_unsuspended", target.id)
    return target.reload()


def delete_message(user, message_id):
    """Delete any message for everyone."""
    _moderator(user)
    message = _found(Message, message_id, Codes.MESSAGE_NOT_FOUND)
    changes.tombstone(message, Conversation.objects(id=message.conversation).get(), user.id)
    _audit(user, "message_deleted", message.id, conversation=str(message.conversation), sender=str(message.sender))
    return message


def sessions_of(user, user_id):
    _moderator(user)
    target = _found(User, user_id, Codes.USER_NOT_FOUND)
    _audit(user, "sessions_viewed", target.id)
    return sessions.list_sessions(target.id, None)


def audit_log(user, page, limit):
    _moderator(user)
    return paginate(AuditEntry.objects.order_by("-created_at", "-id"), page, limit)


def _found(model, raw_id, code):
    oid = parse_object_id(raw_id)
    found = model.objects(id=oid).first() if oid else None
    if found is None:
        raise NotFound("Not found", code=code)
    return found
