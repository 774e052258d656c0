"""The Express servers' tokens: accepted through the cutover, but bounded, revocable, tied to
a device, counted, and exchangeable for a token of ours.

- **Bounded.** One whose `iat` is older than LEGACY_TOKEN_MAX_AGE_DAYS (0: no bound) is
  refused; one without `iat` is accepted only until LEGACY_TOKENS_UNTIL (unset: not at all).
  Its `exp`, when it has one, is honoured when it is read (services/support/tokens.py).
- **Revocable.** Each user has `tokensValidAfter`: signing out everywhere, a password change, a
  suspension and a deletion move it (`revoke_all`), and every Express token issued before it,
  or without a date, is refused from then on, on every process (the user cache is forgotten).
- **Tied to a device.** A token that names no session (the mobile `{uid}`) gets one on its first
  use, listed in `GET /auth/sessions` as "legacy app" with the device's platform and user
  agent; it records the token's SHA-256, never the token. Ending that session ends the token.
- **Counted.** Every use is counted by shape (`mobile`, `desktop`, `other`), across processes on
  `/health` and per process on `/metrics`; each new legacy session is logged once. When the
  counts stay at zero, ACCEPT_LEGACY_TOKENS can go off.
"""
import logging
from datetime import datetime, timedelta, timezone

from flask import current_app
from mongoengine import NotUniqueError
from redis.exceptions import RedisError

from backend2.errors import Codes, Unauthorized
from backend2.extensions import redis_store
from backend2.infra import metrics
from backend2.models import Session, User
from backend2.services.support import cached
from backend2.utils.time import as_utc, utcnow

log = logging.getLogger(__name__)
SHAPES = ("mobile", "desktop", "other")
UNBOUNDED_SESSION_DAYS = 365


def check(claims, user):
    """Refuse a legacy token past its bounds or issued before the user's `tokensValidAfter`."""
    config = current_app.config
    now = utcnow()
    if claims.issued_at is None:
        until = config["LEGACY_TOKENS_UNTIL"]
        if until is None or now >= until:
            raise Unauthorized("This app's sign-in has no date and is no longer accepted; sign in again",
                               code=Codes.TOKEN_EXPIRED)
    elif config["LEGACY_TOKEN_MAX_AGE_DAYS"] and _issued(claims) < now - timedelta(
            days=config["LEGACY_TOKEN_MAX_AGE_DAYS"]):
        raise Unauthorized("This app's sign-in is too old; sign in again", code=Codes.TOKEN_EXPIRED)
    valid_after = user.tokens_valid_after
    if valid_after is not None and (claims.issued_at is None or _issued(claims) <= as_utc(valid_after)):
        raise Unauthorized("This sign-in was ended; sign in again", code=Codes.SESSION_REVOKED)


def session_for(claims, user, client):
    """The "legacy app" session of a sessionless legacy token: found by its fingerprint, or made
    on its first use. A session that was ended refuses the token."""
    session_id = cached.legacy_session_id(claims.fingerprint)
    if session_id is None:
        return _first_use(claims, user, client)
    session = cached.live_session(session_id, user.id)
    if session is None:
        raise Unauthorized("This session has ended; sign in again", code=Codes.SESSION_REVOKED)
    return session


def _first_use(claims, user, client):
    agent = client.get("userAgent", "")
    platform = "flutter" if "dart" in agent.lower() else "electron" if "electron" in agent.lower() else "other"
    session = Session(user=user.id, platform=platform, device_name="legacy app", ip=client.get("ip", ""),
                      user_agent=agent[:300], last_seen_at=utcnow(), expires_at=_session_end(claims),
                      legacy_fingerprint=claims.fingerprint, legacy_shape=claims.legacy_shape)
    try:
        session.save(force_insert=True)
    except NotUniqueError:  # the same token's first use on two requests at once
        session = Session.objects(legacy_fingerprint=claims.fingerprint).get()
        if session.revoked_at is not None:
            raise Unauthorized("This session has ended; sign in again", code=Codes.SESSION_REVOKED)
        return session
    log.info("A legacy %s token is in use: user %s, now legacy session %s (%s)", claims.legacy_shape, user.id,
             session.id, platform)
    return session


def _session_end(claims):
    """When the token stops being accepted by its bounds: the session ends then too."""
    config = current_app.config
    if claims.issued_at is None:
        return config["LEGACY_TOKENS_UNTIL"]
    if config["LEGACY_TOKEN_MAX_AGE_DAYS"]:
        return _issued(claims) + timedelta(days=config["LEGACY_TOKEN_MAX_AGE_DAYS"])
    return utcnow() + timedelta(days=UNBOUNDED_SESSION_DAYS)


def _issued(claims):
    return datetime.fromtimestamp(claims.issued_at, timezone.utc)


def revoke_all(user_id):
    """Every legacy token of the user issued until now stops working, on every process."""
    User.objects(id=user_id).update_one(set__tokens_valid_after=utcnow())
    cached.forget_user(user_id)


def count_use(shape):
    metrics.legacy_token_uses.labels(shape).inc()
    try:
        redis_store.state.hincrby(redis_store.key("legacy-token-uses"), shape, 1)
    except RedisError:
        pass  # counting must never refuse a request


def usage():
    """{shape: uses} across every process; {} while Redis is down."""
    try:
        counts = redis_store.state.hgetall(redis_store.key("legacy-token-uses"))
    except RedisError:
        return {}
    return {shape: int(counts.get(shape.encode(), 0)) for shape in SHAPES}
