"""Push notification settings: FCM HTTP v1 and APNs (token-based .p8 key), each optional.

With neither provider set, push is off. A provider that is half set refuses to start, naming
what is missing, rather than silently not pushing.
"""
import json
from pathlib import Path

APNS_ENDPOINTS = {"production": "https://api.push.apple.com", "sandbox": "https://api.sandbox.push.apple.com"}
APNS_PARTS = ("APNS_KEY", "APNS_KEY_ID", "APNS_TEAM_ID", "APNS_TOPIC")


def file_or_text(value):
    """A setting given as a file's path or as the file's content itself."""
    value = (value or "").strip()
    if value and not value.startswith(("{", "-----")):
        path = Path(value)
        return path.read_text() if path.is_file() else ""
    return value


def read_push_settings(config, get, as_bool):
    config.FCM_CREDENTIALS = get("FCM_CREDENTIALS", "")
    config.FCM_PROJECT_ID = get("FCM_PROJECT_ID", "")
    config.FCM_ENDPOINT = get("FCM_ENDPOINT", "https://fcm.googleapis.com").rstrip("/")
    config.APNS_KEY = get("APNS_KEY", "")
    config.APNS_KEY_ID = get("APNS_KEY_ID", "")
    config.APNS_TEAM_ID = get("APNS_TEAM_ID", "")
    config.APNS_TOPIC = get("APNS_TOPIC", "")
    config.APNS_ENVIRONMENT = get("APNS_ENVIRONMENT", "production").lower()
    config.APNS_ENDPOINT = get("APNS_ENDPOINT", "").rstrip("/") or APNS_ENDPOINTS.get(config.APNS_ENVIRONMENT, "")
    config.PUSH_INCLUDE_CONTENT = as_bool(get("PUSH_INCLUDE_CONTENT", "true"))
    config.PUSH_TIMEOUT_MS = int(get("PUSH_TIMEOUT_MS", 10_000))
    config.PUSH_MAX_ATTEMPTS = int(get("PUSH_MAX_ATTEMPTS", 8))
    config.PUSH_MAX_AGE_SECONDS = int(get("PUSH_MAX_AGE_SECONDS", 3600))
    config.PUSH_QUEUE_MAX = int(get("PUSH_QUEUE_MAX", 100_000))


def fcm_service_account(config):
    """The service-account JSON as a dict; ValueError saying what is wrong with it."""
    text = file_or_text(config.FCM_CREDENTIALS)
    try:
        info = json.loads(text)
    except ValueError:
        raise ValueError("FCM_CREDENTIALS is neither a readable service-account JSON file nor its JSON") from None
    if not isinstance(info, dict):
        raise ValueError("FCM_CREDENTIALS is not a service-account JSON object")
    missing = [key for key in ("client_email", "private_key", "token_uri") if key not in info]
    if missing:
        raise ValueError(f"FCM_CREDENTIALS lacks {', '.join(missing)}")
    return info


def fcm_enabled(config):
    return bool(config.FCM_CREDENTIALS)


def apns_enabled(config):
    return any(getattr(config, name) for name in APNS_PARTS)


def push_problems(config):
    """What keeps the push settings from working; empty when all is well (or push is off)."""
    found = []
    if fcm_enabled(config):
        try:
            info = fcm_service_account(config)
            if not (config.FCM_PROJECT_ID or info.get("project_id")):
                found.append("FCM_PROJECT_ID is missing and the service account names no project_id")
        except ValueError as exc:
            found.append(str(exc))
    if apns_enabled(config):
        missing = [name for name in APNS_PARTS if not getattr(config, name)]
        if missing:
            found.append(f"APNs needs {', '.join(missing)} as well")
        elif not file_or_text(config.APNS_KEY).startswith("-----BEGIN"):
            found.append("APNS_KEY is neither a readable .p8 file nor its PEM text")
        if config.APNS_ENVIRONMENT not in APNS_ENDPOINTS:
            found.append(f"APNS_ENVIRONMENT must be one of {', '.join(APNS_ENDPOINTS)}")
    if min(config.PUSH_MAX_ATTEMPTS, config.PUSH_TIMEOUT_MS) <= 0:
        found.append("PUSH_MAX_ATTEMPTS and PUSH_TIMEOUT_MS must be positive")
    return found
