"""Rate limits, kept in the real Redis so that every server process shares them."""
import pytest

from support.people import next_phone, register_on

pytestmark = pytest.mark.redis


def assert_limited(response):
    assert response.status_code == 429
    assert response.is_json
    assert response.get_json()["code"] == "too_many_requests"
    assert int(response.headers["Retry-After"]) >= 1


def test_auth_routes_have_their_own_stricter_limit(make_app):
    client = make_app(RATE_LIMIT_AUTH="3 per minute").test_client()
    body = {"phone": next_phone(), "password": "wrong-password"}
    for _ in range(3):
        assert client.post("/auth/login", json=body).status_code == 401
    assert_limited(client.post("/auth/login", json=body))
    assert client.get("/ping").status_code == 200


def test_successful_responses_carry_no_retry_after(make_app, otp_inbox):
    client = make_app().test_client()
    token = register_on(client, otp_inbox)["token"]
    response = client.get("/users/profile", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert "Retry-After" not in response.headers
    assert "X-RateLimit-Remaining" in response.headers


def test_default_limit_applies_outside_auth(make_app):
    client = make_app(RATE_LIMIT_DEFAULT="2 per minute").test_client()
    for _ in range(2):
        assert client.get("/users/profile").status_code == 401
    assert_limited(client.get("/users/profile"))


def test_otp_limit_per_phone_counts_every_format_of_the_number(make_app):
    client = make_app(RATE_LIMIT_OTP_PER_PHONE="2 per minute", OTP_RESEND_SECONDS=0).test_client()
    formats = ["+14155550177", "(415) 555-0177", "415.555.0177"]
    assert client.post("/auth/send-otp", json={"phone": formats[0]}).status_code == 200
    assert client.post("/auth/send-otp", json={"phoneNumber": formats[1]}).status_code == 200
    assert_limited(client.post("/auth/send-otp", json={"phone": formats[2]}))
    assert client.post("/auth/send-otp", json={"phone": next_phone()}).status_code == 200


def test_otp_limit_per_ip_spans_phone_numbers(make_app):
    client = make_app(RATE_LIMIT_OTP_PER_IP="3 per minute").test_client()
    for _ in range(3):
        assert client.post("/auth/send-otp", json={"phone": next_phone()}).status_code == 200
    assert_limited(client.post("/auth/send-otp", json={"phone": next_phone()}))
    other_ip = client.post("/auth/send-otp", json={"phone": next_phone()}, environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert other_ip.status_code == 200


def test_limits_are_shared_by_processes_using_the_same_redis(make_app):
    first = make_app(RATE_LIMIT_AUTH="2 per minute").test_client()
    second = make_app(RATE_LIMIT_AUTH="2 per minute").test_client()
    body = {"phone": next_phone(), "password": "wrong-password"}
    assert first.post("/auth/login", json=body).status_code == 401
    assert second.post("/auth/login", json=body).status_code == 401
    assert_limited(first.post("/auth/login", json=body))
    assert_limited(second.post("/auth/login", json=body))


def test_health_reports_redis_when_configured(make_app):
    health = make_app().test_client().get("/health").get_json()
    assert health["redis"]["configured"] is True and health["redis"]["ok"] is True
    assert health["status"] == "ok"


def test_health_reports_unreachable_redis_as_degraded_not_down(make_app):
    client = make_app(REDIS_URL="redis://127.0.0.1:9/0").test_client()
    health = client.get("/health")
    assert health.status_code == 200
    assert health.get_json()["redis"]["ok"] is False
    assert health.get_json()["status"] == "degraded"
