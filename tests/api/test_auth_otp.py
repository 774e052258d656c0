"""Registration and login with one-time codes."""
import re

from support.people import bearer, next_phone

ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_registration_creates_user_session_and_token(client, otp_inbox):
    phone = next_phone()
    sent = client.post("/auth/send-otp", json={"phone": phone})
    assert sent.status_code == 200
    assert sent.get_json() == {"message": "Code sent", "expiresIn": 300, "resendIn": 60}

    response = client.post("/auth/verify-otp-register", json={
        "phone": phone, "otp": otp_inbox(phone), "name": "Ada", "email": "Ada@Example.com",
        "password": "correct horse", "platform": "electron", "deviceName": "Ada's laptop",
    })

    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "user", "session"}
    user = body["user"]
    assert user["id"] == user["_id"]
    assert user["phone"] == phone
    assert user["email"] == "ada@example.com"
    assert user["avatar"] is None and user["avatarUrl"] is None
    assert ISO_MS_Z.match(user["createdAt"]) and ISO_MS_Z.match(user["updatedAt"])
    assert not any("password" in key.lower() or "hash" in key.lower() for key in user)
    assert body["session"]["platform"] == "electron"
    assert body["session"]["deviceName"] == "Ada's laptop"
    assert body["session"]["current"] is True


def test_aliases_phone_number_code_and_nested_device_are_accepted(client, otp_inbox):
    phone = next_phone()
    assert client.post("/auth/send-otp", json={"phoneNumber": phone}).status_code == 200
    response = client.post("/auth/verify-otp-register", json={
        "phoneNumber": phone, "code": otp_inbox(phone), "name": "Mo",
        "device": {"platform": "flutter", "name": "Pixel 9"},
    })
    assert response.status_code == 201
    session = response.get_json()["session"]
    assert (session["platform"], session["deviceName"]) == ("flutter", "Pixel 9")


def test_local_number_is_normalised_with_default_region(client, otp_inbox):
    assert client.post("/auth/send-otp", json={"phone": "(415) 555-0132"}).status_code == 200
    assert otp_inbox("+14155550132", "register")


def test_send_otp_refuses_a_phone_that_has_an_account(client, register):
    user = register()["user"]
    response = client.post("/auth/send-otp", json={"phone": user["phone"]})
    assert response.status_code == 409
    assert response.get_json()["code"] == "phone_taken"


def test_invalid_phone_is_400(client):
    for phone in ["12", "not a phone", "+1 415 555", ""]:
        response = client.post("/auth/send-otp", json={"phone": phone})
        assert response.status_code == 400, phone
        assert response.get_json()["code"] in {"invalid_phone", "validation_error"}


def test_resend_within_the_window_is_429_with_retry_after(client):
    phone = next_phone()
    assert client.post("/auth/send-otp", json={"phone": phone}).status_code == 200
    again = client.post("/auth/send-otp", json={"phone": phone})
    assert again.status_code == 429
    assert again.get_json()["code"] == "otp_resend_too_soon"
    assert 1 <= int(again.headers["Retry-After"]) <= 60


def test_resend_is_allowed_after_the_window_and_replaces_the_code(make_app, otp_inbox):
    client = make_app(use_redis=False, OTP_RESEND_SECONDS=0).test_client()
    phone = next_phone()
    client.post("/auth/send-otp", json={"phone": phone})
    first = second = otp_inbox(phone)
    for _ in range(5):  # codes are random: resend until the new one differs (1 in a million it does not)
        assert client.post("/auth/send-otp", json={"phone": phone}).status_code == 200
        second = otp_inbox(phone)
        if second != first:
            break
    stale = client.post("/auth/verify-otp-register", json={"phone": phone, "otp": first, "name": "X"})
    assert stale.status_code == 400
    fresh = client.post("/auth/verify-otp-register", json={"phone": phone, "otp": second, "name": "X"})
    assert fresh.status_code == 201


def _wrong(code):
    return f"{(int(code) + 1) % 10 ** 6:06d}"


def test_wrong_code_is_400_and_counts_down(client, otp_inbox):
    phone = next_phone()
    client.post("/auth/send-otp", json={"phone": phone})
    wrong = _wrong(otp_inbox(phone))
    response = client.post("/auth/verify-otp-register", json={"phone": phone, "otp": wrong, "name": "X"})
    assert response.status_code == 400
    assert response.get_json()["code"] == "otp_invalid"
    assert "4 tries left" in response.get_json()["message"]


def test_code_is_locked_after_five_wrong_tries_even_for_the_right_code(client, otp_inbox):
    phone = next_phone()
    client.post("/auth/send-otp", json={"phone": phone})
    code = otp_inbox(phone)
    wrong = _wrong(code)
    for _ in range(5):
        response = client.post("/auth/verify-otp-register", json={"phone": phone, "otp": wrong, "name": "X"})
        assert response.status_code == 400
    locked = client.post("/auth/verify-otp-register", json={"phone": phone, "otp": code, "name": "X"})
    assert locked.status_code == 429
    assert locked.get_json()["code"] == "otp_locked"


def test_code_works_only_once(client, otp_inbox):
    phone = next_phone()
    client.post("/auth/send-otp", json={"phone": phone})
    body = {"phone": phone, "otp": otp_inbox(phone), "name": "X"}
    assert client.post("/auth/verify-otp-register", json=body).status_code == 201
    again = client.post("/auth/verify-otp-register", json=body)
    assert again.status_code == 409  # the account now exists


def test_expired_code_is_refused(make_app, otp_inbox):
    client = make_app(use_redis=False, OTP_TTL_SECONDS=0).test_client()
    phone = next_phone()
    client.post("/auth/send-otp", json={"phone": phone})
    response = client.post("/auth/verify-otp-register", json={"phone": phone, "otp": otp_inbox(phone), "name": "X"})
    assert response.status_code == 400
    assert response.get_json()["code"] == "otp_expired"


def test_verify_without_a_sent_code_is_otp_expired(client):
    response = client.post("/auth/verify-otp-register", json={"phone": next_phone(), "otp": "123456", "name": "X"})
    assert response.status_code == 400
    assert response.get_json()["code"] == "otp_expired"


def test_a_registration_code_does_not_sign_in(client, register, otp_inbox):
    phone = next_phone()
    client.post("/auth/send-otp", json={"phone": phone})
    response = client.post("/auth/verify-otp-login", json={"phone": phone, "otp": otp_inbox(phone)})
    assert response.status_code == 400
    assert response.get_json()["code"] == "otp_expired"
    still_valid = client.post("/auth/verify-otp-register", json={"phone": phone, "otp": otp_inbox(phone), "name": "X"})
    assert still_valid.status_code == 201


def test_login_with_code(client, register, otp_inbox):
    phone = register()["user"]["phone"]
    sent = client.post("/auth/send-otp-login", json={"phone": phone})
    assert sent.status_code == 200
    response = client.post("/auth/verify-otp-login", json={
        "phone": phone, "otp": otp_inbox(phone, "login"), "platform": "web", "deviceName": "Browser",
    })
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"]["phone"] == phone
    profile = client.get("/users/profile", headers=bearer(body["token"]))
    assert profile.status_code == 200
    assert profile.get_json()["id"] == body["user"]["id"]


def test_send_otp_login_for_unknown_phone_is_404(client):
    response = client.post("/auth/send-otp-login", json={"phone": next_phone()})
    assert response.status_code == 404
    assert response.get_json()["code"] == "user_not_found"


def test_duplicate_email_is_refused_before_the_code_is_spent(client, register, otp_inbox):
    register(email="taken@example.com")
    phone = next_phone()
    client.post("/auth/send-otp", json={"phone": phone})
    body = {"phone": phone, "otp": otp_inbox(phone), "name": "X", "email": "TAKEN@example.com"}
    response = client.post("/auth/verify-otp-register", json=body)
    assert response.status_code == 409
    assert response.get_json()["code"] == "email_taken"
    body["email"] = "free@example.com"
    assert client.post("/auth/verify-otp-register", json=body).status_code == 201


def test_review_account_gets_its_fixed_code_and_nothing_is_sent(make_app, caplog):
    client = make_app(use_redis=False, OTP_TEST_CODES="+15550000001=123456").test_client()
    assert client.post("/auth/send-otp", json={"phone": "+15550000001"}).status_code == 200
    assert not [r for r in caplog.records if r.name.endswith("otp_delivery")]
    response = client.post("/auth/verify-otp-register", json={"phone": "+15550000001", "otp": "123456", "name": "Review"})
    assert response.status_code == 201
