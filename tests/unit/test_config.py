"""Production refuses unsafe settings, naming every one; development falls back safely."""
import logging

import pytest

from backend2 import create_app
from config import ConfigError, load_config

SAFE_PRODUCTION = {
    "APP_ENV": "production",
    "JWT_SECRET": "k" * 48,
    "MONGODB_URI": "mongodb://127.0.0.1:27017/backend2",
    "ALLOWED_ORIGINS": "https://chat.example.com",
    "OTP_SENDER": "webhook",
    "OTP_WEBHOOK_URL": "https://sms.example.com/send",
    "STORAGE_BACKEND": "s3",
    "S3_BUCKET": "chat-media",
}


def refusal(**overrides):
    env = {**SAFE_PRODUCTION, **overrides}
    env = {key: value for key, value in env.items() if value is not None}
    with pytest.raises(ConfigError) as raised:
        load_config(env=env)
    return str(raised.value)


def test_safe_production_settings_load():
    config = load_config(env=SAFE_PRODUCTION)
    assert config.APP_ENV == "production" and config.JWT_SECRET == "k" * 48


@pytest.mark.parametrize("overrides, named", [
    ({"JWT_SECRET": None}, "JWT_SECRET is missing"),
    ({"JWT_SECRET": "short"}, "shorter than 32"),
    ({"JWT_SECRET": "replace-me-with-at-least-32-random-characters"}, "placeholder"),
    ({"MONGODB_URI": None}, "MONGODB_URI is missing"),
    ({"ALLOWED_ORIGINS": "https://a.example.com,*"}, "ALLOWED_ORIGINS allows '*'"),
    ({"ALLOWED_ORIGINS": None}, None),
    ({"OTP_SENDER": "console"}, "OTP_SENDER=console"),
    ({"OTP_WEBHOOK_URL": None}, "OTP_WEBHOOK_URL is missing"),
    ({"STORAGE_BACKEND": "local"}, "STORAGE_BACKEND=local keeps files on this machine's disk"),
    ({"STORAGE_BACKEND": None}, "UPLOAD_DIR_PERSISTENT=true"),
    ({"S3_BUCKET": None}, "STORAGE_BACKEND=s3 needs S3_BUCKET"),
    ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND must be one of local, s3"),
    ({"LINK_PREVIEW_ALLOW_PRIVATE": "true"}, "LINK_PREVIEW_ALLOW_PRIVATE=true"),
    ({"DISAPPEARING_MIN_SECONDS": "0"}, "DISAPPEARING_MIN_SECONDS must be between"),
])
def test_production_refuses_each_unsafe_setting(overrides, named):
    if named is None:  # no origins at all is safe: no browser origin is allowed
        assert load_config(env={**SAFE_PRODUCTION, **{k: v for k, v in overrides.items() if v}})
        return
    assert named in refusal(**overrides)


def test_production_names_every_problem_in_one_error():
    message = refusal(JWT_SECRET=None, MONGODB_URI=None, ALLOWED_ORIGINS="*", OTP_SENDER="console", OTP_WEBHOOK_URL=None)
    for named in ["JWT_SECRET", "MONGODB_URI", "ALLOWED_ORIGINS", "OTP_SENDER=console"]:
        assert named in message


def test_production_app_does_not_start_with_unsafe_settings():
    with pytest.raises(ConfigError):
        create_app("production", env={"JWT_SECRET": "short"})


def test_development_warns_and_uses_a_random_secret(caplog):
    caplog.set_level(logging.WARNING)
    first = load_config("development", env={})
    second = load_config("development", env={})
    assert len(first.JWT_SECRET) >= 32 and first.JWT_SECRET != second.JWT_SECRET
    assert any("JWT_SECRET is not set" in r.getMessage() for r in caplog.records)


def test_app_env_picks_the_class_and_unknown_names_are_refused():
    assert load_config(env={"APP_ENV": "testing"}).TESTING is True
    assert load_config(env={}).APP_ENV == "development"
    with pytest.raises(ConfigError):
        load_config(env={"APP_ENV": "staging"})


def test_unknown_otp_sender_is_refused_everywhere():
    with pytest.raises(ConfigError, match="OTP_SENDER must be one of"):
        load_config("development", env={"OTP_SENDER": "carrier-pigeon"})


def test_embedded_database_is_announced_in_the_log(make_app, caplog):
    caplog.set_level(logging.WARNING)
    make_app(use_redis=False, MONGODB_URI="")
    assert any("embedded in-memory database" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("settings, problem", [
    ({"TURN_URLS": "turn:turn.example.org:3478"}, "TURN_URLS needs TURN_SECRET"),
    ({"CALL_TIMEOUT_SECONDS": "0"}, "must be positive"),
    ({"CALL_RECONNECT_GRACE_SECONDS": "-1"}, "must be positive"),
])
def test_call_settings_that_cannot_work_are_refused_everywhere(settings, problem):
    with pytest.raises(ConfigError, match=problem):
        load_config("development", settings)


def test_production_keeps_files_on_local_disk_only_when_it_is_declared_persistent():
    config = load_config(env={**SAFE_PRODUCTION, "STORAGE_BACKEND": "local", "UPLOAD_DIR_PERSISTENT": "true"})
    assert config.STORAGE_BACKEND == "local"


@pytest.mark.parametrize("overrides, named", [
    ({"FCM_CREDENTIALS": "{not json"}, "FCM_CREDENTIALS is neither"),
    ({"FCM_CREDENTIALS": "/no/such/service-account.json"}, "FCM_CREDENTIALS is neither"),
    ({"FCM_CREDENTIALS": '{"client_email": "a@b.c", "private_key": "k", "token_uri": "https://t"}'},
     "FCM_PROJECT_ID is missing"),
    ({"FCM_CREDENTIALS": '{"client_email": "a@b.c"}'}, "FCM_CREDENTIALS lacks private_key, token_uri"),
    ({"APNS_KEY": "-----BEGIN PRIVATE KEY-----", "APNS_KEY_ID": "K"}, "APNs needs APNS_TEAM_ID, APNS_TOPIC as well"),
    ({"APNS_KEY": "/no/such/key.p8", "APNS_KEY_ID": "K", "APNS_TEAM_ID": "T", "APNS_TOPIC": "com.example"},
     "APNS_KEY is neither a readable .p8 file"),
    ({"APNS_KEY": "-----BEGIN PRIVATE KEY-----", "APNS_KEY_ID": "K", "APNS_TEAM_ID": "T", "APNS_TOPIC": "x",
      "APNS_ENVIRONMENT": "staging"}, "APNS_ENVIRONMENT must be one of production, sandbox"),
])
def test_half_set_push_providers_refuse_to_start_saying_what_is_missing(overrides, named):
    assert named in refusal(**overrides)


def test_push_credentials_may_be_files_and_push_is_off_without_them(tmp_path, caplog):
    account = tmp_path / "service-account.json"
    account.write_text('{"client_email": "a@b.c", "private_key": "k", "token_uri": "https://t", "project_id": "p"}')
    key = tmp_path / "AuthKey.p8"
    key.write_text("-----BEGIN PRIVATE KEY-----\n")
    config = load_config(env={**SAFE_PRODUCTION, "FCM_CREDENTIALS": str(account), "APNS_KEY": str(key),
                              "APNS_KEY_ID": "K", "APNS_TEAM_ID": "T", "APNS_TOPIC": "com.example",
                              "APNS_ENVIRONMENT": "sandbox"})
    assert config.APNS_ENDPOINT == "https://api.sandbox.push.apple.com"
    caplog.set_level(logging.INFO, logger="backend2.infra.push_gateways")
    create_app("testing", env={"JWT_SECRET": "k" * 48, "MONGODB_URI": ""})
    assert [r.getMessage() for r in caplog.records if "Push notifications are off" in r.getMessage()]


def test_link_previews_may_reach_private_addresses_outside_production_only():
    assert load_config("development", env={"LINK_PREVIEW_ALLOW_PRIVATE": "true"}).LINK_PREVIEW_ALLOW_PRIVATE is True
