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


def test_bodies_naming_no_number_count_against_the_address_only(make_app):
    client = make_app(RATE_LIMIT_OTP_PER_PHONE="2 per minute", RATE_LIMIT_OTP_PER_IP="20 per minute",
                      OTP_RESEND_SECONDS=0).test_client()
    for route in ("/auth/send-otp", "/auth/send-otp-login"):
        for body in ({"phone": {"$ne": None}}, {"phone": 12}, {}):
            assert client.post(route, json=body).status_code == 400
    phone = next_phone()
    assert [client.post("/auth/send-otp", json={"phone": phone}).status_code for _ in range(3)] == [200, 200, 429]


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


def people_on(client, otp_inbox, *names):
    """Users registered on `client`'s app; the first has all the others in their contacts."""
    people = [register_on(client, otp_inbox, name=name) for name in names]
    contacts = [{"phone": p["user"]["phone"], "name": p["user"]["name"]} for p in people[1:]]
    assert client.post("/contacts/sync", headers=bearer_of(people[0]), json={"contacts": contacts}).status_code == 200
    return people


def bearer_of(body):
    return {"Authorization": f"Bearer {body['token']}"}


def test_an_accounts_messages_are_limited_whatever_its_address_and_not_its_neighbours(make_app, otp_inbox):
    client = make_app(RATE_LIMIT_MESSAGES="3 per minute").test_client()
    me, ada, bo = people_on(client, otp_inbox, "Me", "Ada", "Bo")
    assert client.post("/contacts/sync", headers=bearer_of(bo), json={"contacts": [
        {"phone": ada["user"]["phone"], "name": "Ada"}]}).status_code == 200
    sends = [client.post("/messages", headers=bearer_of(me), json={"to": ada["user"]["id"], "text": f"hi {n}"},
                         environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}) for n in range(4)]
    assert [s.status_code for s in sends[:3]] == [201, 201, 201]
    limited = sends[3]
    assert limited.status_code == 429 and limited.get_json()["code"] == "rate_limited"
    assert limited.get_json()["retryAfter"] >= 1 and int(limited.headers["Retry-After"]) >= 1
    # Bo, behind the same address as Me's last send (a carrier NAT), still sends.
    response = client.post("/messages", headers=bearer_of(bo), json={"to": ada["user"]["id"], "text": "hello"},
                           environ_base={"REMOTE_ADDR": "10.0.0.3"})
    assert response.status_code == 201, response.get_json()


def test_signed_in_requests_count_per_account_under_a_ceiling_per_address(make_app, otp_inbox):
    client = make_app(RATE_LIMIT_DEFAULT="3 per minute", RATE_LIMIT_PER_ADDRESS="100 per minute").test_client()
    me, ada = people_on(client, otp_inbox, "Me", "Ada")

    def profile(who, address):
        return client.get("/users/profile", headers=bearer_of(who), environ_base={"REMOTE_ADDR": address})

    assert [profile(me, f"10.0.1.{n}").status_code for n in range(3)] == [200, 200, 200]
    assert_limited(profile(me, "10.0.1.9"))  # a fourth address changes nothing: it is one account
    assert [profile(ada, "10.0.1.9").status_code for _ in range(3)] == [200, 200, 200]  # a neighbour is fine
    forged = {"Authorization": "Bearer " + bearer_of(me)["Authorization"][7:-2] + "xx"}
    statuses = [client.get("/users/profile", headers=forged, environ_base={"REMOTE_ADDR": "10.0.2.1"}).status_code
                for _ in range(4)]
    assert statuses == [401, 401, 401, 429]  # a badly signed token counts as its address, not as Me
    assert_limited(profile(ada, "10.0.3.1"))  # Ada's own budget is spent too, wherever she is


def test_one_address_running_many_accounts_meets_the_ceiling(make_app, otp_inbox):
    client = make_app(RATE_LIMIT_PER_ADDRESS="6 per minute").test_client()
    people = [register_on(client, otp_inbox, name=f"Bot {n}") for n in range(2)]  # 4 requests so far
    statuses = [client.get("/users/profile", headers=bearer_of(p)).status_code for p in people for _ in range(2)]
    assert statuses == [200, 200, 429, 429]
