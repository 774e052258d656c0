"""Rate limits beyond the default: stricter on /auth, one bucket for every sign-in (the apps'
and the console's), per phone and per IP on OTP routes.

Who a limit counts: RATE_LIMIT_DEFAULT counts a request against its account or its address
(middlewares/limit_keys.py). RATE_LIMIT_PER_ADDRESS is a ceiling per address over every route
and account, against one address running many accounts.

Limits are Flask-Limiter strings read from configuration when a request is checked,
kept in Redis when REDIS_URL is set so every server process shares them. Flask-Limiter's
own reset header is renamed X-RateLimit-Retry-After (config), because it sends one on every
response; a real Retry-After goes only on 429s, from the error handler.
"""
import math
import time

from flask import current_app, request

from backend2.extensions import limiter
from backend2.middlewares.validation import json_or_none
from backend2.utils.phone import to_e164


def _configured(name):
    return lambda: current_app.config[name]


def _phone_key():
    """The number an OTP request is for (a JSON body's, or a console form's), normalised so
    format tricks share one bucket; None when it names no number (it is refused as invalid,
    sends nothing, and counts against the address's limit only)."""
    if request.is_json:
        data = json_or_none()
    else:
        request.get_data(cache=True)  # kept, so reading the form leaves the body for whoever reads it next
        data = request.form
    raw = data.get("phone") or data.get("phoneNumber") if isinstance(data, dict) else None
    if not isinstance(raw, str):
        return None
    return to_e164(raw, current_app.config["DEFAULT_REGION"]) or raw.strip()[:32]


def limit_auth_blueprint(blueprint):
    """RATE_LIMIT_AUTH per address on every route of `blueprint`, instead of the default."""
    limiter.limit(_configured("RATE_LIMIT_AUTH"))(blueprint)


def limit_by_auth_limit(view):
    """RATE_LIMIT_AUTH per address on one route, instead of the default (the console's form that
    sends a login code, limited as /auth's is)."""
    return limiter.limit(_configured("RATE_LIMIT_AUTH"))(view)


def limit_sign_ins(view):
    """One more RATE_LIMIT_AUTH per address, a bucket every route that checks a password or a
    login code shares (/auth/login, /auth/verify-otp-login, /console/sign-in), so guesses count
    together wherever they are made; on top of the route's own limits."""
    return limiter.shared_limit(_configured("RATE_LIMIT_AUTH"), scope="sign-in", override_defaults=False)(view)


def otp_limits(view):
    """Both OTP limits, by number and by address, on top of the blueprint's limit: buckets that
    every route sending a code shares (the apps' and the console's), so a number gets no more
    texts by asking through another route."""
    view = limiter.shared_limit(_configured("RATE_LIMIT_OTP_PER_PHONE"), key_func=_phone_key,
                                exempt_when=lambda: _phone_key() is None, scope="otp-phone",
                                override_defaults=False)(view)
    return limiter.shared_limit(_configured("RATE_LIMIT_OTP_PER_IP"), scope="otp-ip",
                                override_defaults=False)(view)


def retry_after_seconds():
    """Seconds until the limit this request broke resets: the 429's Retry-After."""
    breached = limiter.current_limit
    return max(1, math.ceil(breached.reset_at - time.time())) if breached else 60
