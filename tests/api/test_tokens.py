"""Which bearer tokens are accepted: ours, the desktop and mobile legacy shapes, nothing else."""
import base64
import json
import time
from datetime import datetime, timedelta, timezone

import jwt

from support.environment import TEST_JWT_SECRET
from support.people import bearer


def sign(claims, secret=TEST_JWT_SECRET):
    """Signed as the Express servers' jsonwebtoken does: with `iat` unless the claims say otherwise."""
    return jwt.encode({"iat": int(time.time()), **claims}, secret, algorithm="HS256")


def profile(client, token):
    return client.get("/users/profile", headers=bearer(token))


def test_issued_token_carries_every_apps_claims(register):
    body = register()
    claims = jwt.decode(body["token"], TEST_JWT_SECRET, algorithms=["HS256"])
    user_id, session_id = body["user"]["id"], body["session"]["id"]
    assert (claims["sub"], claims["uid"], claims["id"], claims["sessionId"]) == (user_id, user_id, user_id, session_id)
    assert claims["exp"] - claims["iat"] == 30 * 24 * 3600


def test_desktop_legacy_token_with_session_is_accepted(client, register):
    body = register()
    token = sign({"id": body["user"]["id"], "sessionId": body["session"]["id"], "iat": int(time.time())})
    assert profile(client, token).status_code == 200


def test_desktop_legacy_token_for_a_revoked_session_is_refused(client, register):
    body = register()
    token = sign({"id": body["user"]["id"], "sessionId": body["session"]["id"]})
    client.post("/auth/logout", headers=bearer(body["token"]))
    response = profile(client, token)
    assert response.status_code == 401
    assert response.get_json()["code"] == "session_revoked"


def test_token_naming_another_users_session_is_refused(client, register):
    mine, theirs = register(), register()
    token = sign({"id": mine["user"]["id"], "sessionId": theirs["session"]["id"]})
    assert profile(client, token).status_code == 401


def test_mobile_legacy_token_is_accepted_while_allowed(client, register):
    body = register()
    response = profile(client, sign({"uid": body["user"]["id"]}))
    assert response.status_code == 200
    assert response.get_json()["id"] == body["user"]["id"]


def test_mobile_legacy_token_is_refused_when_legacy_tokens_are_off(make_app, register):
    app = make_app(use_redis=False, ACCEPT_LEGACY_TOKENS="false")
    client = app.test_client()
    from backend2.models import User
    with app.app_context():
        user = User(name="Old", phone="+14155550999").save()
    response = profile(client, sign({"uid": str(user.id)}))
    assert response.status_code == 401
    assert response.get_json()["code"] == "legacy_token_rejected"


def test_legacy_token_for_a_deleted_user_is_refused(client):
    response = profile(client, sign({"uid": "5f1d7c0e2b3a4c5d6e7f8091"}))
    assert response.status_code == 401
    assert response.get_json()["code"] == "user_not_found"


def test_expired_token_is_401_token_expired(client, register):
    body = register()
    token = sign({"sub": body["user"]["id"], "sessionId": body["session"]["id"], "exp": int(time.time()) - 10})
    response = profile(client, token)
    assert response.status_code == 401
    assert response.get_json()["code"] == "token_expired"


def test_wrongly_signed_token_is_refused(client, register):
    body = register()
    token = sign({"uid": body["user"]["id"]}, secret="another-secret-" + "y" * 40)
    assert profile(client, token).json["code"] == "invalid_token"


def test_unsigned_alg_none_token_is_refused(client, register):
    body = register()
    encode = lambda part: base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()
    token = f"{encode({'alg': 'none', 'typ': 'JWT'})}.{encode({'uid': body['user']['id']})}."
    response = profile(client, token)
    assert response.status_code == 401
    assert response.get_json()["code"] == "invalid_token"


def test_malformed_tokens_and_bad_headers_are_401_json(client):
    for headers in [{}, {"Authorization": "Bearer"}, {"Authorization": "Bearer x.y.z"},
                    {"Authorization": "Basic dXNlcjpwYXNz"}, bearer(sign({"uid": 42})),
                    bearer(sign({"uid": "not-an-object-id"})), bearer(sign({"sessionId": "abc"}))]:
        response = client.get("/users/profile", headers=headers)
        assert response.status_code == 401, headers
        assert response.is_json and response.get_json()["code"] in {"token_missing", "invalid_token"}


def test_a_legacy_secret_signs_the_express_servers_token_shapes_only(make_app, otp_inbox):
    from support.people import register_on
    client = make_app(use_redis=False, LEGACY_JWT_SECRETS="old-desktop, old-mobile").test_client()
    body = register_on(client, otp_inbox)
    user_id, session_id = body["user"]["id"], body["session"]["id"]
    assert profile(client, sign({"uid": user_id}, secret="old-mobile")).status_code == 200
    assert profile(client, sign({"id": user_id, "sessionId": session_id}, secret="old-desktop")).status_code == 200
    ours = {"sub": user_id, "uid": user_id, "id": user_id, "sessionId": session_id}
    assert profile(client, sign(ours, secret="old-desktop")).get_json()["code"] == "invalid_token"
    assert profile(client, sign({"uid": user_id}, secret="never-configured")).get_json()["code"] == "invalid_token"
    expired = sign({"uid": user_id, "exp": int(time.time()) - 5}, secret="old-mobile")
    assert profile(client, expired).get_json()["code"] == "token_expired"


def test_a_token_naming_an_id_an_express_server_gave_finds_the_person(app, client):
    from bson import ObjectId

    from backend2.models import Session, User
    old_mobile_id, old_desktop_id = ObjectId(), ObjectId()
    with app.app_context():
        user = User(name="Merged", phone="+14155550998", legacy_ids=[old_mobile_id, old_desktop_id]).save()
        session = Session(user=user.id, expires_at=datetime.now(timezone.utc) + timedelta(days=1)).save()
    for token in (sign({"uid": str(old_mobile_id)}), sign({"id": str(old_desktop_id), "sessionId": str(session.id)})):
        response = profile(client, token)
        assert response.status_code == 200 and response.get_json()["id"] == str(user.id)
    assert profile(client, sign({"uid": str(ObjectId())})).get_json()["code"] == "user_not_found"
