"""Sign-up and sign-in by one-time code or password, and the devices signed in.

One-time codes are 6 random digits, stored only as an HMAC, valid for `OTP_TTL_SECONDS`,
locked after `OTP_MAX_ATTEMPTS` wrong tries (`otp_locked`), single use, one send per
`OTP_RESEND_SECONDS` per phone (`otp_resend_too_soon`). Wrong code: 400 `otp_invalid`; expired
or never sent: 400 `otp_expired`. Phone numbers are read in `DEFAULT_REGION` when typed without
a country code. Device info comes as top-level `platform` + `deviceName` or nested
`device: {platform, name}` (`platform`: `electron`, `flutter`, `web`, `other`).

Every sign-in opens a session (a device) and answers `{token, user, session}`. A token works
only while its session is live: logging out, ending the session from another device, or
changing the password ends it (`session_revoked`). A wrong phone and a wrong password get the
same 401 `invalid_credentials`, after the same bcrypt work.

An account is signed in on at most `MAX_DEVICES_PER_ACCOUNT` devices. A sign-in beyond that is
409 `too_many_devices` with `details.sessions` (id, platform, deviceName, lastSeenAt); sending
the sign-in again with `replaceSession` set to one of those ids signs that device out first.
Nothing is ended without being asked.

A device that wants pushes while its socket sleeps registers its FCM or APNs token on its
session (`PUT /auth/sessions/current/push`); signing the session out removes it.
"""
from apifairy import authenticate, other_responses, response
from flask import Blueprint, request

from backend2.middlewares.auth import client_info, current_auth, current_user, token_auth
from backend2.middlewares.rate_limits import limit_auth_blueprint, limit_sign_ins, otp_limits
from backend2.middlewares.validation import json_body, query_args
from backend2.schemas.auth import (
    AuthResultSchema,
    OtpSentSchema,
    PasswordLoginSchema,
    PhoneSchema,
    SessionListSchema,
    SessionsEndedSchema,
    SessionsEndQuerySchema,
    TokenUpgradeSchema,
    VerifyOtpLoginSchema,
    VerifyOtpRegisterSchema,
)
from backend2.schemas.common import NoticeSchema
from backend2.schemas.push import PushRegistrationInputSchema, PushRegistrationSchema
from backend2.services.accounts import auth
from backend2.services.people import sessions
from backend2.services.push import push_registrations

auth_bp = Blueprint("auth", __name__, url_prefix="/auth")
limit_auth_blueprint(auth_bp)

OTP_ERRORS = {400: "Invalid phone number", 429: "Too many requests or a code sent moments ago",
              502: "The code could not be delivered"}
CODE_ERRORS = {400: "Invalid input, wrong or expired code", 429: "Too many wrong codes"}


@auth_bp.post("/send-otp")
@otp_limits
@json_body(PhoneSchema)
@response(OtpSentSchema)
@other_responses({**OTP_ERRORS, 409: "The phone already has an account"})
def send_otp(data):
    """Send a registration code to a phone that has no account"""
    return auth.send_registration_code(data["phone"])


@auth_bp.post("/verify-otp-register")
@json_body(VerifyOtpRegisterSchema)
@response(AuthResultSchema, 201)
@other_responses({**CODE_ERRORS, 409: "The phone or email already has an account"})
def verify_otp_register(data):
    """Create the account and a session with a registration code"""
    return auth.register_with_code(data, client_info(request))


@auth_bp.post("/send-otp-login")
@otp_limits
@json_body(PhoneSchema)
@response(OtpSentSchema)
@other_responses({**OTP_ERRORS, 404: "No account uses this phone"})
def send_otp_login(data):
    """Send a login code to the phone of an existing account"""
    return auth.send_login_code(data["phone"])


@auth_bp.post("/verify-otp-login")
@limit_sign_ins
@json_body(VerifyOtpLoginSchema)
@response(AuthResultSchema)
@other_responses({**CODE_ERRORS, 404: "No account uses this phone"})
def verify_otp_login(data):
    """Sign in with a login code"""
    return auth.login_with_code(data, client_info(request))


@auth_bp.post("/login")
@limit_sign_ins
@json_body(PasswordLoginSchema)
@response(AuthResultSchema)
@other_responses({400: "Invalid input", 401: "Invalid credentials"})
def login(data):
    """Sign in with phone or email and password"""
    return auth.login_with_password(data, client_info(request))


@auth_bp.post("/token/upgrade")
@authenticate(token_auth)
@json_body(TokenUpgradeSchema)
@response(AuthResultSchema)
@other_responses({400: "The bearer token is not an Express server's token"})
def upgrade_token(data):
    """Exchange an Express server's token (the bearer) for one of ours; the old token stops working"""
    return auth.upgrade_legacy_token(current_auth(), data, client_info(request))


@auth_bp.post("/logout")
@authenticate(token_auth)
@response(NoticeSchema)
def logout():
    """End the current session"""
    auth.logout(current_auth())
    return {"message": "Logged out"}


@auth_bp.get("/sessions")
@authenticate(token_auth)
@response(SessionListSchema)
def list_sessions():
    """The caller's signed-in devices"""
    context = current_auth()
    current_id = context.session.id if context.session else None
    return {"sessions": sessions.list_sessions(context.user.id, current_id)}


@auth_bp.delete("/sessions")
@authenticate(token_auth)
@query_args(SessionsEndQuerySchema)
@response(SessionsEndedSchema)
def end_sessions(query):
    """Sign out every other device (`others=true`), or every device (`others=false`); Express tokens and console sessions end"""
    return {"message": "Signed out", "ended": auth.sign_out_devices(current_auth(), query["others"])}


@auth_bp.delete("/sessions/<session_id>")
@authenticate(token_auth)
@response(NoticeSchema)
@other_responses({404: "No such session of the caller"})
def revoke_session(session_id):
    """Sign out one of the caller's devices"""
    sessions.revoke_session(current_user().id, session_id)
    return {"message": "Session revoked"}


@auth_bp.put("/sessions/current/push")
@authenticate(token_auth)
@json_body(PushRegistrationInputSchema)
@response(PushRegistrationSchema)
@other_responses({400: "Invalid provider or token", 403: "The token names no session: sign in again"})
def register_push(data):
    """Receive pushes on this device

    `provider` is `fcm` or `apns`; `token` (also `fcmToken`, `deviceToken`, `pushToken`) is the
    device's token, `voipToken` an iOS PushKit token for calls. Registering again replaces it;
    the token leaves any other session that held it.
    """
    return push_registrations.register_push(current_auth(), data)


@auth_bp.delete("/sessions/current/push")
@authenticate(token_auth)
@response(NoticeSchema)
@other_responses({403: "The token names no session"})
def remove_push():
    """Stop pushes to this device"""
    push_registrations.remove_push(current_auth())
    return {"message": "Push registration removed"}
