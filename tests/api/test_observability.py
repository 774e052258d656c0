"""Metrics (Prometheus), structured logs and error reporting, as an operator sees them."""
import json
import logging

import pytest
from prometheus_client.parser import text_string_to_metric_families

from support.sentry import SentryStandIn

METRICS_TOKEN = "m" * 32


def scrape(client, token=METRICS_TOKEN):
    return client.get("/metrics", headers={"Authorization": f"Bearer {token}"} if token else {})


def samples(response):
    """{(name, frozenset(labels)): value} of a scrape."""
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True)) for sample in family.samples}


def value(found, name, **labels):
    return found.get((name, frozenset(labels.items())), 0)


def test_metrics_need_the_token_and_are_off_without_one(make_app):
    assert scrape(make_app(use_redis=False).test_client()).status_code == 404
    client = make_app(use_redis=False, METRICS_TOKEN=METRICS_TOKEN).test_client()
    assert scrape(client, token=None).status_code == 401
    assert scrape(client, token="x" * 32).get_json()["code"] == "invalid_token"
    response = scrape(client)
    assert response.status_code == 200 and response.mimetype == "text/plain"


def test_requests_messages_and_the_process_are_measured(world_with):
    world = world_with(METRICS_TOKEN=METRICS_TOKEN)
    before = samples(scrape(world.client))
    me, ada = world.person("Me"), world.person("Ada")
    conversation_id = world.chat(me, ada)
    world.say(me, conversation_id)
    world.client.get("/messages/nope/history", headers=me.headers)
    after = samples(scrape(world.client))
    route = dict(method="POST", route="/messages", status="201")
    assert value(after, "backend2_http_requests_total", **route) - value(before, "backend2_http_requests_total",
                                                                         **route) == 1
    missing = dict(method="GET", route="/messages/<message_id>/history", status="404")
    assert value(after, "backend2_http_requests_total", **missing) >= 1  # the template, never the raw path
    assert value(after, "backend2_http_request_duration_seconds_count", method="POST", route="/messages") >= 1
    assert value(after, "backend2_messages_stored_total", type="text") - value(
        before, "backend2_messages_stored_total", type="text") == 1
    assert value(after, "process_resident_memory_bytes") > 10_000_000
    assert ("backend2_sockets_connected", frozenset()) in after
    assert ("backend2_redis_breakers_open", frozenset()) in after


def test_database_commands_are_timed_when_the_database_is_on_the_wire(make_app, otp_inbox):
    from backend2.infra.devdb import SharedEmbeddedDatabase
    database = SharedEmbeddedDatabase(port=0)
    database.run()
    try:
        client = make_app(use_redis=False, METRICS_TOKEN=METRICS_TOKEN,
                          MONGODB_URI=f"{database.uri}/metrics").test_client()
        before = samples(scrape(client))
        client.post("/auth/send-otp", json={"phone": "+14155550999"})  # counts recent codes, upserts one
        after = samples(scrape(client))
        upserts = [value(found, "backend2_db_command_duration_seconds_count", command="update", outcome="ok")
                   for found in (before, after)]
        assert upserts[1] == upserts[0] + 1
    finally:
        database.close()


def test_json_logs_are_one_object_per_line_with_the_request_fields(world_with, caplog):
    world = world_with(LOG_FORMAT="json")
    me = world.person("Me")
    caplog.set_level(logging.INFO)
    caplog.clear()
    world.client.get("/users/me", headers={**me.headers, "X-Request-ID": "req-42"})
    [line] = [json.loads(text) for text in caplog.text.splitlines() if '"backend2.requests"' in text]
    assert {key: line[key] for key in ("requestId", "userId", "method", "route", "status", "level", "logger")} == {
        "requestId": "req-42", "userId": me.id, "method": "GET", "route": "/users/me", "status": 200,
        "level": "INFO", "logger": "backend2.requests"}
    assert line["time"].endswith("Z") and isinstance(line["durationMs"], float)


def test_a_bad_log_format_or_a_weak_metrics_token_refuses_to_start(make_app):
    from config import ConfigError
    for settings in ({"LOG_FORMAT": "xml"}, {"METRICS_TOKEN": "short"}, {"SENTRY_TRACES_SAMPLE_RATE": "2"}):
        with pytest.raises(ConfigError):
            make_app(use_redis=False, **settings)


def test_errors_reach_sentry_without_tokens_codes_or_message_text(make_app):
    import sentry_sdk
    stand_in = SentryStandIn()
    secret_text, otp, token = "meet me at the old mill", "493817", "eyJhbGciOiJIUzI1NiJ9.secret.token"
    try:
        app = make_app(use_redis=False, SENTRY_DSN=stand_in.dsn)
        with app.test_request_context(f"/messages?token={token}", method="POST",
                                      headers={"Authorization": f"Bearer {token}", "Cookie": f"s={token}"},
                                      json={"text": secret_text, "otp": otp}):
            try:
                raise ValueError(f"could not store {secret_text} for code {otp}")
            except ValueError:
                logging.getLogger("backend2.services.messages.sending").exception("Storing failed for %s (%s)",
                                                                          secret_text, otp)
        sentry_sdk.flush(timeout=5)
        assert len(stand_in.events) == 1
        event = stand_in.events[0]
        sent = "\n".join(text for _, text in stand_in.envelopes)
        for private in (secret_text, otp, token):
            assert private not in sent
        assert event["exception"]["values"][0]["type"] == "ValueError"
        assert event["logentry"]["message"] == "Storing failed for %s (%s)"
        assert stand_in.envelopes[0][0] == "/api/42/envelope/"
    finally:
        sentry_sdk.init()  # reporting off again for the rest of the suite
        stand_in.close()
