"""Signed-in devices: created at login, checked on every request, revoked at logout."""
from flask import current_app

from backend2.errors import Codes, Conflict, NotFound
from backend2.models import ConsoleSession, Session
from backend2.services.support import cached
from backend2.services.support.announce import announce
from backend2.services.support.events import SessionsEnded
from backend2.utils.ids import parse_object_id
from backend2.utils.time import as_utc, iso, seconds_from_now, utcnow

LAST_SEEN_RESOLUTION_SECONDS = 60  # at most one write per session per minute


def open_session(user, device, client):
    """A new session for `user` on the device described by `device` and `client`, once there is
    room for it (`make_room`)."""
    make_room(user.id, device.get("replaceSession"))
    session = Session(
        user=user.id,
        platform=device.get("platform", "other"),
        device_name=device.get("deviceName", ""),
        ip=client.get("ip", ""),
        user_agent=client.get("userAgent", "")[:300],
        last_seen_at=utcnow(),
        expires_at=seconds_from_now(current_app.config["JWT_EXPIRES_SECONDS"]),
    ).save()
    session.is_current = True
    return session


def make_room(user_id, replace_session=None):
    """End `replace_session` (one of the user's) if given; otherwise refuse a sign-in beyond
    MAX_DEVICES_PER_ACCOUNT live sessions, listing them, rather than end the oldest unasked."""
    if replace_session:
        revoke_session(user_id, replace_session)
        return
    live = list_sessions(user_id, None)
    limit = current_app.config["MAX_DEVICES_PER_ACCOUNT"]
    if len(live) >= limit:
        raise Conflict(
            f"Signed in on {len(live)} devices, the most allowed: sign in again with replaceSession set to the id "
            "of one of these sessions to sign it out, or sign one out from another device (DELETE /auth/sessions/<id>)",
            code=Codes.TOO_MANY_DEVICES,
            details={"sessions": [{"id": str(s.id), "platform": s.platform, "deviceName": s.device_name,
                                   "lastSeenAt": iso(s.last_seen_at)} for s in live]})


def active_session(session_id, user_id):
    """The live session with this id for this user, or None; notes that it was seen."""
    oid = parse_object_id(session_id)
    if oid is None:
        return None
    session = cached.live_session(oid, user_id)
    if session is None:
        return None
    now = utcnow()
    if session.last_seen_at is None or (now - as_utc(session.last_seen_at)).total_seconds() > LAST_SEEN_RESOLUTION_SECONDS:
        Session.objects(id=oid).update_one(set__last_seen_at=now)
        cached.forget_session(oid)
        session.last_seen_at = now
    return session


def list_sessions(user_id, current_session_id):
    """The user's live sessions, newest first, each marked `is_current` or not."""
    sessions = list(
        Session.objects(user=user_id, revoked_at=None, expires_at__gt=utcnow()).order_by("-created_at")
    )
    for session in sessions:
        session.is_current = session.id == current_session_id
    return sessions


def revoke_session(user_id, session_id):
    """End one of the user's sessions; 404 for anyone else's or an unknown id."""
    oid = parse_object_id(session_id)
    if oid is None or not end_sessions(Session.objects(id=oid, user=user_id)):
        raise NotFound("Session not found", code=Codes.SESSION_NOT_FOUND)


def end_all(user_id, keep=None):
    """Sign out every session of the user but `keep`, and every moderator console session of
    theirs; returns how many app sessions ended."""
    end_console_sessions(user_id)
    sessions = Session.objects(user=user_id)
    return end_sessions(sessions.filter(id__ne=keep) if keep else sessions)


def end_console_sessions(user_id):
    """End every moderator console session (/console/) of this person: signing out everywhere,
    a new password or a lost role ends them too. Returns how many ended."""
    return ConsoleSession.objects(user=user_id).delete()


def end_sessions(sessions):
    """Sign out the live sessions of a query: their tokens stop working and their devices stop
    receiving pushes (the registration goes with the session). Returns how many ended."""
    now = utcnow()
    ending = list(sessions.filter(revoked_at=None).scalar("id", "user"))
    if not ending:
        return 0
    ended = Session.objects(id__in=[sid for sid, _ in ending], revoked_at=None).update(
        set__revoked_at=now, set__updated_at=now, unset__push=True)
    for session_id, _ in ending:
        cached.forget_session(session_id)
    announce(SessionsEnded(tuple(ending)))
    return ended
