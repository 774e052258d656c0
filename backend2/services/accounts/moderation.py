"""What moderators may do, and the audit log of every time they do it.

Moderators are the users whose phone is in MODERATOR_PHONES or whose role is `moderator`
(`flask --app backend2 users grant-moderator`, services/accounts/roles.py). To anyone else every
moderation action is a 404, as if `/admin` and `/console` did not exist. The REST API
(`/admin`) and the console (`/console`) both act through these functions.
"""
from datetime import timedelta

from flask import current_app

from backend2.errors import Codes, Conflict, NotFound, ValidationFailed
from backend2.models import AuditEntry, Conversation, Message, Report, User
from backend2.services.accounts import account_deletion
from backend2.services.accounts.auth import is_suspended
from backend2.services.messages import changes
from backend2.services.people import legacy_tokens, sessions
from backend2.services.support import cached
from backend2.services.support.announce import announce
from backend2.services.support.events import AccountSuspended
from backend2.utils.ids import parse_object_id
from backend2.utils.time import utcnow

RESOLUTIONS = ("none", "message_deleted", "user_suspended", "account_deleted")
# What each resolution acts on: the report field naming it.
ACTION_TARGETS = {"message_deleted": "message", "user_suspended": "reported_user", "account_deleted": "reported_user"}


def holds_moderator_role(user):
    """The role, given by the command line or by MODERATOR_PHONES, whether or not they may act now."""
    return user.role == "moderator" or user.phone in current_app.config["MODERATOR_PHONES"]


def is_moderator(user):
    """A moderator who may act now: the role, an account that is there, not suspended."""
    return holds_moderator_role(user) and user.deleted_at is None and not is_suspended(user)


def moderator(user):
    """`user` if they may moderate; 404 otherwise."""
    if not is_moderator(user):
        raise NotFound("Not found", code=Codes.NOT_FOUND)
    return user


def audit(actor, action, target, **details):
    """Append one entry to the audit log: `actor` a moderator, or None for an operator's command."""
    AuditEntry(moderator=actor.id if actor else None, action=action, target=target, details=details).save()


def assign_report(user, report_id, reason):
    """Take an open report nobody holds: it shows under the moderator's "assigned to me". One
    another moderator holds stays theirs (409 report_assigned), though anyone may resolve it."""
    moderator(user)
    report = found(Report, report_id, Codes.REPORT_NOT_FOUND)
    if not Report.objects(id=report.id, status="open", assigned_to=None).update_one(set__assigned_to=user.id,
                                                                                    set__updated_at=utcnow()):
        _refuse_resolved(report.reload())
        whose = "yours" if report.assigned_to == user.id else "another moderator's"
        raise Conflict(f"This report is {whose} already", code=Codes.REPORT_ASSIGNED)
    audit(user, "report_assigned", report.id, reason=reason)
    return report.reload()


def resolve_report(user, report_id, action, note, hours=None):
    """Close an open report, doing `action` (RESOLUTIONS) to what it names; a suspension it makes
    ends after `hours` (None: until lifted). The report is closed first, so of two moderators one wins and the other
    is 409 report_resolved with nothing done; an action that is refused opens it again."""
    moderator(user)
    report = found(Report, report_id, Codes.REPORT_NOT_FOUND)
    target = getattr(report, ACTION_TARGETS[action]) if action in ACTION_TARGETS else None
    if action in ACTION_TARGETS and target is None:
        raise Conflict(f"This report names no {ACTION_TARGETS[action].replace('_', ' ')} to act on: "
                       "nothing was done", code=Codes.REPORT_HAS_NO_TARGET)
    now = utcnow()
    if not Report.objects(id=report.id, status="open").update_one(
            set__status="resolved", set__resolved_by=user.id, set__resolved_at=now, set__resolution=action,
            set__resolution_note=note, set__updated_at=now):
        _refuse_resolved(report.reload())
    try:
        if action == "message_deleted":
            delete_message(user, target, note)
        elif action == "user_suspended":
            suspend(user, target, note, hours)
        elif action == "account_deleted":
            delete_account(user, target, note)
    except Exception:
        Report.objects(id=report.id).update_one(set__status="open", unset__resolved_by=True, unset__resolved_at=True,
                                                unset__resolution=True, unset__resolution_note=True)
        raise
    audit(user, "report_resolved", report.id, resolution=action, note=note)
    return report.reload()


def _refuse_resolved(report):
    if report.status != "open":
        raise Conflict("This report was resolved already: nothing was done", code=Codes.REPORT_RESOLVED)


def suspend(user, user_id, reason, hours=None):
    """Refuse the account's tokens and close its sockets until `unsuspend`, or for `hours`."""
    moderator(user)
    until = utcnow() + timedelta(hours=hours) if hours else None
    target = _someone_else(user, user_id, "suspend")
    change = {"set__suspended_until": until} if until else {"unset__suspended_until": True}
    User.objects(id=target.id).update_one(set__suspended_at=utcnow(), **change)
    legacy_tokens.revoke_all(target.id)
    audit(user, "user_suspended", target.id, reason=reason, **({"until": until.isoformat()} if until else {}))
    announce(AccountSuspended(target.id))
    return target.reload()


def unsuspend(user, user_id, reason):
    """Lift a suspension; 409 not_suspended for an account that is not suspended now."""
    moderator(user)
    target = found(User, user_id, Codes.USER_NOT_FOUND)
    if not (is_suspended(target) and User.objects(id=target.id, suspended_at__ne=None).update_one(
            unset__suspended_at=True, unset__suspended_until=True)):
        raise Conflict("This account is not suspended", code=Codes.NOT_SUSPENDED)
    cached.forget_user(target.id)
    audit(user, "user_unsuspended", target.id, reason=reason)
    return target.reload()


def delete_message(user, message_id, reason):
    """Delete any message for everyone; 409 message_deleted for one deleted already."""
    moderator(user)
    message = found(Message, message_id, Codes.MESSAGE_NOT_FOUND)
    conversation = Conversation.objects(id=message.conversation).first()
    if conversation is None:
        raise NotFound("This message's conversation is gone", code=Codes.CONVERSATION_NOT_FOUND)
    if message.deleted:
        raise Conflict("This message was deleted already", code=Codes.MESSAGE_DELETED)
    changes.tombstone(message, conversation, user.id)
    audit(user, "message_deleted", message.id, conversation=str(message.conversation), sender=str(message.sender),
          reason=reason)
    return message


def delete_account(user, user_id, reason):
    """Erase an account at once, as its owner's deletion does (services/accounts/account_deletion.py)."""
    moderator(user)
    target = _someone_else(user, user_id, "delete")
    account_deletion.erase(target)
    audit(user, "account_deleted", target.id, reason=reason)


def _someone_else(user, user_id, verb):
    """The account a moderator suspends or deletes: one that is there, and not their own."""
    target = found(User, user_id, Codes.USER_NOT_FOUND)
    if target.id == user.id:
        raise ValidationFailed(f"You cannot {verb} your own account", code=Codes.CANNOT_MODERATE_SELF)
    if target.deleted_at is not None:
        raise Conflict("This account was deleted already", code=Codes.ACCOUNT_ALREADY_DELETED)
    return target


def sessions_of(user, user_id):
    """An account's live sessions, for the /admin API (audited as `sessions_viewed`)."""
    moderator(user)
    target = found(User, user_id, Codes.USER_NOT_FOUND)
    audit(user, "sessions_viewed", target.id)
    return sessions.list_sessions(target.id, None)


def end_session(user, user_id, session_id, reason):
    """Sign one of an account's devices out; 404 for a session of anyone else."""
    moderator(user)
    target = found(User, user_id, Codes.USER_NOT_FOUND)
    sessions.revoke_session(target.id, session_id)
    audit(user, "session_ended", target.id, session=str(session_id), reason=reason)


def end_all_sessions(user, user_id, reason):
    """Sign every device of an account out, Express tokens and console sessions included; returns
    how many app sessions ended."""
    moderator(user)
    target = found(User, user_id, Codes.USER_NOT_FOUND)
    legacy_tokens.revoke_all(target.id)
    ended = sessions.end_all(target.id)
    audit(user, "sessions_ended", target.id, count=ended, reason=reason)
    return ended


def people(ids):
    """{id: {id, name, phone}} of these people, in one query: who a console page names."""
    if not ids:
        return {}
    return {u.id: {"id": u.id, "name": u.name, "phone": u.phone}
            for u in User.objects(id__in=list(ids)).only("id", "name", "phone")}


def found(model, raw_id, code):
    """The document of `model` with this id; 404 with `code` when there is none."""
    oid = parse_object_id(raw_id)
    document = model.objects(id=oid).first() if oid else None
    if document is None:
        raise NotFound("Not found", code=code)
    return document
