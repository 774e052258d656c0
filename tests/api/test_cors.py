"""CORS: an allowed origin is echoed back, any other gets no CORS headers."""
import pytest


@pytest.fixture
def cors_client(make_app):
    return make_app(use_redis=False, ALLOWED_ORIGINS="https://desk.example.com, app://electron").test_client()


def test_allowed_origin_is_echoed(cors_client):
    for origin in ["https://desk.example.com", "app://electron"]:
        response = cors_client.get("/ping", headers={"Origin": origin})
        assert response.headers["Access-Control-Allow-Origin"] == origin


def test_other_origin_gets_no_cors_headers(cors_client):
    response = cors_client.get("/ping", headers={"Origin": "https://evil.example.com"})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_preflight_for_allowed_origin_allows_authorization_header(cors_client):
    response = cors_client.options("/users/profile", headers={
        "Origin": "https://desk.example.com",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "Authorization, Content-Type",
    })
    assert response.headers["Access-Control-Allow-Origin"] == "https://desk.example.com"
    assert "authorization" in response.headers["Access-Control-Allow-Headers"].lower()


def test_preflight_for_other_origin_is_not_allowed(cors_client):
    response = cors_client.options("/users/profile", headers={
        "Origin": "https://evil.example.com", "Access-Control-Request-Method": "GET",
    })
    assert "Access-Control-Allow-Origin" not in response.headers
