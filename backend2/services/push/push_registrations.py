"""Where each signed-in device receives pushes: one registration per session, gone with it.

A device that signs in again registers its token on the new session; the token leaves any
other session that held it, so one device never gets a push twice. A token the provider calls
dead is removed at once.
"""
from backend2.extensions import push_gateways
from backend2.models import PushRegistration, Session
from backend2.utils.time import utcnow


def register_push(context, data):
    """Set the push registration of the caller's session; returns it."""
    session = context.session
    registration = PushRegistration(provider=data["provider"], token=data["token"], voip_token=data.get("voipToken"),
                                    app_id=data.get("appId"), locale=data.get("locale"), registered_at=utcnow())
    Session.objects(push__token=registration.token, id__ne=session.id).update(unset__push=True)
    if registration.voip_token:
        Session.objects(push__voip_token=registration.voip_token, id__ne=session.id).update(unset__push=True)
    Session.objects(id=session.id).update_one(set__push=registration)
    return present(registration)


def remove_push(context):
    """Stop pushes to the caller's session; True if it had a registration."""
    return bool(Session.objects(id=context.session.id, push__exists=True).update_one(unset__push=True))


def present(registration):
    """`active`: a provider for it is configured, so pushes are sent."""
    registration.active = registration.provider in push_gateways.by_provider
    return registration


def registrations_of(user_ids):
    """{user id: [live sessions with a registration]} for these users."""
    found = {}
    for session in Session.objects(user__in=list(user_ids), revoked_at=None, expires_at__gt=utcnow(),
                                   push__exists=True).only("id", "user", "push"):
        found.setdefault(str(session.user), []).append(session)
    return found


def registration_for(session_id):
    """The registration of a live session, or None (signed out, expired, or removed since)."""
    session = Session.objects(id=session_id, revoked_at=None, expires_at__gt=utcnow()).only("push").first()
    return session.push if session else None


def forget_token(token):
    """A provider called `token` dead: no session sends to it again."""
    Session.objects(push__token=token).update(unset__push=True)
    Session.objects(push__voip_token=token).update(unset__push__voip_token=True)

