"""One-time codes: issue, rate-limit resends, verify with a bounded number of tries.

Codes are stored only as an HMAC keyed by JWT_SECRET. Every check reserves one
attempt atomically *before* comparing, so parallel guesses cannot exceed
OTP_MAX_ATTEMPTS, and a correct code is consumed by an atomic delete, so it works once.
"""
import hashlib
import hmac
import math
import secrets

from flask import current_app
from mongoengine import NotUniqueError

from backend2.errors import Codes, TooManyRequests, ValidationFailed
from backend2.models import Otp
from backend2.services.people.otp_delivery import deliver_code
from backend2.utils.time import as_utc, seconds_from_now, utcnow


def _code_hash(phone, purpose, code):
    key = current_app.config["JWT_SECRET"].encode()
    return hmac.new(key, f"{purpose}:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _new_code(phone):
    """A fixed code for review accounts in OTP_TEST_CODES, else 6 random digits."""
    fixed = current_app.config["OTP_TEST_CODES"].get(phone)
    return (fixed or f"{secrets.randbelow(10 ** 6):06d}"), fixed is not None


def issue_code(phone, purpose):
    """Store a fresh code for `phone` and send it, at most once per OTP_RESEND_SECONDS."""
    config = current_app.config
    now = utcnow()
    resend_after = config["OTP_RESEND_SECONDS"]
    code, is_test_number = _new_code(phone)
    try:
        # Matches only a code sent long enough ago; otherwise the upsert hits the
        # unique (phone, purpose) index, which is what makes concurrent sends safe.
        Otp.objects(phone=phone, purpose=purpose, sent_at__lte=seconds_from_now(-resend_after)).update_one(
            upsert=True,
            set__code_hash=_code_hash(phone, purpose, code),
            set__attempts=0,
            set__sent_at=now,
            set__expires_at=seconds_from_now(config["OTP_TTL_SECONDS"]),
            set__updated_at=now,
            set_on_insert__created_at=now,
        )
    except NotUniqueError:
        raise TooManyRequests(
            "A code was sent moments ago; wait before asking for another",
            code=Codes.OTP_RESEND_TOO_SOON,
            retry_after=_seconds_until_resend(phone, purpose, resend_after),
        )
    if not is_test_number:
        try:
            deliver_code(phone, code, purpose)
        except Exception:
            Otp.objects(phone=phone, purpose=purpose).delete()  # let the user retry at once
            raise
    return {
        "message": "Code sent",
        "expiresIn": config["OTP_TTL_SECONDS"],
        "resendIn": resend_after,
    }


def _seconds_until_resend(phone, purpose, resend_after):
    live = Otp.objects(phone=phone, purpose=purpose).only("sent_at").first()
    if live is None:
        return 1
    waited = (utcnow() - as_utc(live.sent_at)).total_seconds()
    return max(1, math.ceil(resend_after - waited))


def consume_code(phone, purpose, code):
    """Accept `code` once, or raise: expired/unknown, locked after too many tries, wrong."""
    max_attempts = current_app.config["OTP_MAX_ATTEMPTS"]
    otp = Otp.objects(phone=phone, purpose=purpose, attempts__lt=max_attempts).modify(
        inc__attempts=1, new=True
    )
    if otp is None:
        if Otp.objects(phone=phone, purpose=purpose, expires_at__gt=utcnow()).count():
            raise TooManyRequests(
                "Too many wrong codes; ask for a new one", code=Codes.OTP_LOCKED
            )
        raise _expired()
    if as_utc(otp.expires_at) <= utcnow():
        raise _expired()
    if not hmac.compare_digest(otp.code_hash, _code_hash(phone, purpose, code)):
        left = max_attempts - otp.attempts
        raise ValidationFailed(
            f"Wrong code; {left} {'try' if left == 1 else 'tries'} left" if left else
            "Wrong code; ask for a new one",
            code=Codes.OTP_INVALID,
        )
    if not Otp.objects(id=otp.id).delete():
        raise ValidationFailed("This code was already used", code=Codes.OTP_INVALID)


def _expired():
    return ValidationFailed("The code has expired or was never sent; ask for a new one", code=Codes.OTP_EXPIRED)
