"""The Express servers' tokens through the cutover: bounded, revocable, tied to a device,
counted, and exchangeable for ours."""
import hashlib
import time

import jwt
import pytest

from support.environment import TEST_JWT_SECRET
from support.people import AppWorld, bearer

DAY = 86400


def mobile_token(user_id, **claims):
    """The mobile server's {uid} shape; `iat` only when given, as its old tokens lacked one."""
    return jwt.encode({"uid": user_id, **claims}, TEST_JWT_SECRET, algorithm="HS256")


def profile(client, token, agent="Dart/3.4 (dart:io)"):
    return client.get("/users/profile", headers={**bearer(token), "User-Agent": agent})


@pytest.fixture
def world(make_app, otp_inbox):
    return lambda **settings: AppWorld(make_app(use_redis=False, **settings).test_client(), otp_inbox)


def test_with_the_default_settings_undated_and_old_tokens_are_refused(world):
    app = world()
    me = app.person("Me")
    for token in (mobile_token(me.id), mobile_token(me.id, iat=int(time.time()) - 400 * DAY),
                  mobile_token(me.id, iat=int(time.time()) - 60, exp=int(time.time()) - 5)):
        response = profile(app.client, token)
        assert (response.status_code, response.get_json()["code"]) == (401, "token_expired")
    assert profile(app.client, mobile_token(me.id, iat=int(time.time()) - 30 * DAY)).status_code == 200


def test_undated_tokens_live_until_legacy_tokens_until(world):
    open_app, closed_app = world(LEGACY_TOKENS_UNTIL="2999-01-01"), world(LEGACY_TOKENS_UNTIL="2020-01-01T00:00Z")
    for app, status in ((open_app, 200), (closed_app, 401)):
        me = app.person("Me")
        assert profile(app.client, mobile_token(me.id)).status_code == status
    unbounded = world(LEGACY_TOKEN_MAX_AGE_DAYS=0)
    me = unbounded.person("Me")
    assert profile(unbounded.client, mobile_token(me.id, iat=int(time.time()) - 4000 * DAY)).status_code == 200


def test_the_first_use_makes_a_legacy_session_the_user_can_see_and_end(world):
    app = world()
    me = app.person("Me")
    token = mobile_token(me.id, iat=int(time.time()))
    assert profile(app.client, token).status_code == 200
    assert profile(app.client, token).status_code == 200  # the same session again
    sessions = app.client.get("/auth/sessions", headers=me.headers).get_json()["sessions"]
    [legacy] = [s for s in sessions if s["legacy"]]
    assert (legacy["deviceName"], legacy["platform"], legacy["current"]) == ("legacy app", "flutter", False)
    from backend2.models import Session
    with app.client.application.app_context():
        stored = Session.objects(id=legacy["id"]).get()
        assert stored.legacy_fingerprint == hashlib.sha256(token.encode()).hexdigest()
        assert token not in str(stored.to_mongo())
    assert app.client.delete(f"/auth/sessions/{legacy['id']}", headers=me.headers).status_code == 200
    refused = profile(app.client, token)
    assert (refused.status_code, refused.get_json()["code"]) == (401, "session_revoked")


@pytest.mark.parametrize("how", ["sign out everywhere", "sign out the others", "password change", "suspension",
                                 "deletion"])
def test_every_way_of_signing_out_ends_the_express_tokens_issued_before(world, how):
    app = world(MODERATOR_PHONES="+14155550000")
    me = app.person("Me")
    used, unused = (mobile_token(me.id, iat=int(time.time()) - age) for age in (10, 20))
    assert profile(app.client, used).status_code == 200
    if how == "sign out everywhere":
        app.client.delete("/auth/sessions?others=false", headers=me.headers)
    elif how == "sign out the others":
        app.client.delete("/auth/sessions?others=true", headers=me.headers)
    elif how == "password change":
        assert app.client.patch("/users/me", headers=me.headers, json={"password": "a-new-password-1"}).status_code \
            == 200
    elif how == "suspension":
        from support.people import Person, register_on
        moderator = Person(register_on(app.client, app.otp_inbox, phone="+14155550000", name="Mod"))
        app.client.post(f"/admin/users/{me.id}/suspend", headers=moderator.headers, json={"reason": "spam"})
    else:
        app.client.delete("/users/me", headers=me.headers, json={"otp": _login_code(app, me)})
    expected = {"suspension": "account_suspended", "deletion": "user_not_found"}.get(how, "session_revoked")
    for token in (used, unused):
        assert profile(app.client, token).get_json()["code"] == expected, token
    time.sleep(1.1)  # `iat` counts seconds
    later = mobile_token(me.id, iat=int(time.time()))
    if how not in ("suspension", "deletion"):
        assert profile(app.client, later).status_code == 200  # issued after: still fine


def _login_code(app, me):
    app.client.post("/auth/send-otp-login", json={"phone": me.phone})
    return app.otp_inbox(me.phone, "login")


def test_a_legacy_token_is_exchanged_for_ours_once(world):
    app = world()
    me = app.person("Me")
    legacy = mobile_token(me.id, iat=int(time.time()))
    upgraded = app.client.post("/auth/token/upgrade", headers=bearer(legacy), json={"platform": "flutter",
                                                                                    "deviceName": "Pixel"})
    assert upgraded.status_code == 200, upgraded.get_json()
    body = upgraded.get_json()
    assert body["user"]["id"] == me.id and body["session"]["deviceName"] == "Pixel"
    assert jwt.decode(body["token"], TEST_JWT_SECRET, algorithms=["HS256"])["sub"] == me.id
    assert profile(app.client, body["token"]).status_code == 200
    assert profile(app.client, legacy).get_json()["code"] == "session_revoked"
    ours = app.client.post("/auth/token/upgrade", headers=me.headers, json={})
    assert (ours.status_code, ours.get_json()["code"]) == (400, "not_a_legacy_token")


def test_uses_are_counted_by_shape_on_health(world):
    app = world()
    me = app.person("Me")
    before = app.client.get("/health").get_json()["legacyTokens"]
    for _ in range(3):
        profile(app.client, mobile_token(me.id, iat=int(time.time())))
    after = app.client.get("/health").get_json()["legacyTokens"]
    assert after["mobile"] - before.get("mobile", 0) == 3 and after["desktop"] == before.get("desktop", 0)


def test_production_refuses_legacy_tokens_without_a_bound(make_app):
    from config import ConfigError
    production = {"JWT_SECRET": "p" * 48, "MONGODB_URI": "mongodb://127.0.0.1:1/x", "ALLOWED_ORIGINS": "https://a.b",
                  "OTP_SENDER": "webhook", "OTP_WEBHOOK_URL": "https://hooks.example/otp", "STORAGE_BACKEND": "s3",
                  "S3_BUCKET": "b"}
    with pytest.raises(ConfigError, match="LEGACY_TOKEN_MAX_AGE_DAYS nor LEGACY_TOKENS_UNTIL"):
        make_app("production", use_redis=False, LEGACY_TOKEN_MAX_AGE_DAYS=0, **production)
    with pytest.raises(ConfigError, match="LEGACY_TOKENS_UNTIL"):
        make_app(use_redis=False, LEGACY_TOKENS_UNTIL="next spring")
