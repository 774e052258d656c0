"""Every class of bad input gets a JSON error with the right status, never a 500 or HTML."""
import pytest

from support.people import next_phone


def assert_error(response, status, code=None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.get_json()
    assert isinstance(body["code"], str) and isinstance(body["message"], str)
    if code:
        assert body["code"] == code
    return body


@pytest.mark.parametrize("body, field", [
    ({"phone": {"$gt": ""}}, "phone"),
    ({"phone": {"$where": "sleep(1000)"}}, "phone"),
    ({"phone": ["+14155550100"]}, "phone"),
    ({"phone": 14155550100}, "phone"),
    ({"phone": "1" * 33}, "phone"),
    ({}, "phone"),
    ({"phone": "+14155550100", "isAdmin": True}, "isAdmin"),
    ({"phone": "+14155550100", "phoneNumber": "+14155550101"}, "phoneNumber"),
])
def test_bad_fields_are_400_validation_error_naming_the_field(client, body, field):
    error = assert_error(client.post("/auth/send-otp", json=body), 400, "validation_error")
    assert field in error["details"]
    assert field in error["message"]


def test_same_value_under_both_names_is_fine(client):
    phone = next_phone()
    assert client.post("/auth/send-otp", json={"phone": phone, "phoneNumber": phone}).status_code == 200


@pytest.mark.parametrize("body", [[], "text", 12, None])
def test_json_that_is_not_an_object_is_400(client, body):
    assert_error(client.post("/auth/send-otp", json=body), 400)


def test_operator_objects_in_login_are_refused(client):
    for body in [{"email": {"$ne": None}, "password": "whatever1"}, {"phone": {"$regex": ".*"}, "password": {"$ne": ""}}]:
        assert_error(client.post("/auth/login", json=body), 400, "validation_error")


def test_invalid_platform_is_refused(client):
    body = {"phone": next_phone(), "otp": "123456", "name": "X", "platform": "windows-phone"}
    assert "platform" in assert_error(client.post("/auth/verify-otp-register", json=body), 400)["details"]


def test_non_json_body_is_415(client):
    assert_error(client.post("/auth/send-otp", data="phone=1", content_type="application/x-www-form-urlencoded"), 415,
                 "unsupported_media_type")


def test_broken_json_is_400_invalid_json(client):
    assert_error(client.post("/auth/send-otp", data='{"phone": ', content_type="application/json"), 400, "invalid_json")


def test_deeply_nested_json_is_400_not_500(client):
    assert_error(client.post("/auth/send-otp", data="[" * 50000, content_type="application/json"), 400, "invalid_json")
    nested = '{"phone": ' + '{"a": ' * 5000 + "1" + "}" * 5001
    assert_error(client.post("/auth/send-otp", data=nested, content_type="application/json"), 400)


def test_oversized_json_body_is_413(make_app):
    client = make_app(use_redis=False, JSON_MAX_BYTES=1024).test_client()
    body = '{"phone": "' + "1" * 2000 + '"}'
    assert_error(client.post("/auth/send-otp", data=body, content_type="application/json"), 413, "payload_too_large")


def test_body_beyond_the_server_limit_is_413(make_app):
    client = make_app(use_redis=False, JSON_MAX_BYTES=1024, UPLOAD_MAX_BYTES=1024).test_client()
    assert_error(client.post("/auth/send-otp", data=b"x" * 200_000, content_type="application/octet-stream"), 413)


def test_unknown_route_is_404_json(client):
    assert_error(client.get("/no/such/thing"), 404, "not_found")


def test_wrong_method_is_405_json(client):
    assert_error(client.get("/auth/login"), 405, "method_not_allowed")


def test_unexpected_exception_is_500_json_without_details(make_app):
    app = make_app(use_redis=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    body = assert_error(response, 500, "internal_error")
    assert "secret" not in response.get_data(as_text=True)
    assert body["message"] == "Internal server error"


def test_unreachable_database_gives_503_json_and_health_says_so(make_app):
    client = make_app(use_redis=False, MONGODB_URI="mongodb://127.0.0.1:9/backend2", MONGODB_TIMEOUT_MS=200).test_client()
    assert_error(client.post("/auth/send-otp", json={"phone": next_phone()}), 503, "database_unavailable")
    health = client.get("/health")
    assert health.status_code == 503
    assert health.get_json()["database"]["ok"] is False
    assert health.get_json()["status"] == "down"
    assert client.get("/ping").status_code == 200
