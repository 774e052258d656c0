"""Password login, logout and the list of signed-in devices."""
from support.people import bearer, next_phone


def test_login_with_phone_and_password(client, register):
    phone = register(password="s3cret-pass")["user"]["phone"]
    response = client.post("/auth/login", json={"phone": phone, "password": "s3cret-pass"})
    assert response.status_code == 200
    assert response.get_json()["user"]["phone"] == phone


def test_login_with_email_is_case_insensitive(client, register):
    register(email="bo@example.com", password="s3cret-pass")
    response = client.post("/auth/login", json={"email": "BO@example.com", "password": "s3cret-pass"})
    assert response.status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_401(client, register):
    phone = register(password="s3cret-pass")["user"]["phone"]
    wrong = client.post("/auth/login", json={"phone": phone, "password": "nope-nope"})
    unknown = client.post("/auth/login", json={"phone": next_phone(), "password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json() == {"code": "invalid_credentials", "message": "Invalid credentials"}


def test_account_without_password_cannot_log_in_with_one(client, register):
    phone = register()["user"]["phone"]
    response = client.post("/auth/login", json={"phone": phone, "password": "anything-at-all"})
    assert response.status_code == 401


def test_login_needs_exactly_one_of_phone_or_email(client):
    assert client.post("/auth/login", json={"password": "x" * 8}).status_code == 400
    both = client.post("/auth/login", json={"phone": next_phone(), "email": "a@b.co", "password": "x" * 8})
    assert both.status_code == 400


def test_short_password_is_refused_at_registration(client, otp_inbox):
    phone = next_phone()
    client.post("/auth/send-otp", json={"phone": phone})
    response = client.post("/auth/verify-otp-register", json={"phone": phone, "otp": otp_inbox(phone), "name": "X", "password": "short"})
    assert response.status_code == 400
    assert "password" in response.get_json()["details"]


def test_logout_revokes_only_the_current_session(client, register):
    first = register(password="s3cret-pass")
    phone = first["user"]["phone"]
    second = client.post("/auth/login", json={"phone": phone, "password": "s3cret-pass"}).get_json()

    assert client.post("/auth/logout", headers=bearer(first["token"])).status_code == 200

    gone = client.get("/users/profile", headers=bearer(first["token"]))
    assert gone.status_code == 401
    assert gone.get_json()["code"] == "session_revoked"
    assert client.get("/users/profile", headers=bearer(second["token"])).status_code == 200


def test_sessions_lists_devices_and_marks_the_current_one(client, register):
    first = register(password="s3cret-pass", platform="electron", deviceName="Desk")
    phone = first["user"]["phone"]
    client.post("/auth/login", json={"phone": phone, "password": "s3cret-pass", "device": {"platform": "flutter", "name": "Phone"}},
                headers={"User-Agent": "Dart/3.5"})

    response = client.get("/auth/sessions", headers=bearer(first["token"]))

    assert response.status_code == 200
    sessions = response.get_json()["sessions"]
    assert [s["deviceName"] for s in sessions] == ["Phone", "Desk"]
    assert [s["current"] for s in sessions] == [False, True]
    assert sessions[0]["platform"] == "flutter"
    assert sessions[0]["userAgent"] == "Dart/3.5"
    assert sessions[0]["ip"] == "127.0.0.1"
    assert sessions[0]["id"] == sessions[0]["_id"]
    assert sessions[0]["createdAt"].endswith("Z") and sessions[0]["lastSeenAt"].endswith("Z")


def test_revoking_another_device_signs_it_out(client, register):
    first = register(password="s3cret-pass")
    other = client.post("/auth/login", json={"phone": first["user"]["phone"], "password": "s3cret-pass"}).get_json()

    response = client.delete(f"/auth/sessions/{other['session']['id']}", headers=bearer(first["token"]))

    assert response.status_code == 200
    assert client.get("/users/profile", headers=bearer(other["token"])).status_code == 401
    remaining = client.get("/auth/sessions", headers=bearer(first["token"])).get_json()["sessions"]
    assert [s["id"] for s in remaining] == [first["session"]["id"]]


def test_nobody_can_revoke_someone_elses_session(client, register):
    mine, theirs = register(), register()
    for target in [theirs["session"]["id"], "not-an-id", "0" * 24]:
        response = client.delete(f"/auth/sessions/{target}", headers=bearer(mine["token"]))
        assert response.status_code == 404
        assert response.get_json()["code"] == "session_not_found"
    assert client.get("/users/profile", headers=bearer(theirs["token"])).status_code == 200


def test_profile_returns_the_signed_in_user(client, register):
    registered = register(name="Grace")
    response = client.get("/users/profile", headers=bearer(registered["token"]))
    assert response.status_code == 200
    assert response.get_json() == registered["user"]


def test_a_sign_in_past_the_device_limit_lists_the_devices_and_may_replace_one(make_app, otp_inbox):
    from support.people import register_on

    client = make_app(use_redis=False, MAX_DEVICES_PER_ACCOUNT=2).test_client()
    me = register_on(client, otp_inbox, name="Me", password="a-good-password")
    login = {"phone": me["user"]["phone"], "password": "a-good-password", "deviceName": "tablet"}
    second = client.post("/auth/login", json=login)
    assert second.status_code == 200
    refused = client.post("/auth/login", json={**login, "deviceName": "laptop"})
    assert refused.status_code == 409 and refused.get_json()["code"] == "too_many_devices"
    listed = refused.get_json()["details"]["sessions"]
    assert {s["id"] for s in listed} == {me["session"]["id"], second.get_json()["session"]["id"]}
    assert all(s["lastSeenAt"].endswith("Z") for s in listed)
    replaced = client.post("/auth/login", json={**login, "replaceSession": me["session"]["id"]})
    assert replaced.status_code == 200
    old = client.get("/users/profile", headers={"Authorization": f"Bearer {me['token']}"})
    assert old.status_code == 401 and old.get_json()["code"] == "session_revoked"
    stranger = register_on(client, otp_inbox, name="Stranger", password="another-password")
    someone_elses = client.post("/auth/login", json={**login, "replaceSession": stranger["session"]["id"]})
    assert someone_elses.status_code == 404 and someone_elses.get_json()["code"] == "session_not_found"


def test_signing_out_every_other_device_at_once_or_every_device(client, otp_inbox):
    from support.people import register_on

    me = register_on(client, otp_inbox, name="Me", password="a-good-password")
    login = {"phone": me["user"]["phone"], "password": "a-good-password"}
    others = [client.post("/auth/login", json=login).get_json() for _ in range(2)]

    def works(body):
        return client.get("/users/profile", headers={"Authorization": f"Bearer {body['token']}"}).status_code == 200

    response = client.delete("/auth/sessions?others=true", headers={"Authorization": f"Bearer {me['token']}"})
    assert response.status_code == 200 and response.get_json()["ended"] == 2
    assert works(me) and not any(works(o) for o in others)
    assert client.delete("/auth/sessions", headers={"Authorization": f"Bearer {me['token']}"}).status_code == 400
    response = client.delete("/auth/sessions?others=false", headers={"Authorization": f"Bearer {me['token']}"})
    assert response.get_json()["ended"] == 1 and not works(me)
