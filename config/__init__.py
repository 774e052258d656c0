"""Configuration: one class per environment, every setting read from the environment here.

`load_config(name)` builds the class for `name` (or `APP_ENV`) from `os.environ`, after
loading `.env`. Settings are read when the object is built, not at import, so tests can
set variables before creating an app. Every variable is listed in `.env.example`.
"""
import logging
import os
import secrets
from datetime import datetime, timezone
from pathlib import Path

from dotenv import load_dotenv

from config.jobs import job_problems, read_job_settings
from config.link_previews import link_preview_problems, read_link_preview_settings
from config.observability import observability_problems, read_observability_settings
from config.push import push_problems, read_push_settings

log = logging.getLogger(__name__)

# Secrets that appear in examples and tutorials; production refuses them.
PLACEHOLDER_SECRETS = {
    "secret", "changeme", "change-me", "jwt_secret", "your_jwt_secret", "your-secret-key",
    "supersecret", "replace-me-with-at-least-32-random-characters",
}
MIN_SECRET_LENGTH = 32
OTP_SENDERS = ("console", "webhook")
STORAGE_BACKENDS = ("local", "s3")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete for the chosen environment."""


def _bool(value):
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def _list(value):
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def _moment(name, value):
    """An ISO 8601 date or time (UTC unless it says otherwise), or None when empty."""
    if not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"{name} must be an ISO 8601 date or time, like 2027-03-31") from None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _otp_test_codes(value):
    """Parse `+15550000001=123456,+15550000002=654321` into {phone: code}."""
    codes = {}
    for pair in _list(value):
        phone, _, code = pair.partition("=")
        if not (code.isdigit() and len(code) == 6):
            raise ConfigError(f"OTP_TEST_CODES entry {pair!r} needs a 6-digit code")
        codes[phone.strip()] = code
    return codes


class Config:
    """Settings shared by every environment; subclasses change defaults only."""

    APP_ENV = "development"
    DEBUG = False
    TESTING = False
    DEFAULT_CORS = "*"
    DEFAULT_RATE_LIMIT_DEFAULT = "300 per minute"
    DEFAULT_RATE_LIMIT_AUTH = "30 per minute"
    DEFAULT_RATE_LIMIT_MESSAGES = "30 per 10 seconds"
    DEFAULT_RATE_LIMIT_SOCKET_EVENTS = "100 per 10 seconds"
    DEFAULT_CONSOLE_COOKIE_SECURE = "false"

    def __init__(self, env=None):
        env = os.environ if env is None else env
        get = env.get
        self.SECRET_KEY = self.JWT_SECRET = get("JWT_SECRET", "")
        self.JWT_EXPIRES_SECONDS = int(get("JWT_EXPIRES_SECONDS", 30 * 24 * 3600))
        self.MAX_DEVICES_PER_ACCOUNT = int(get("MAX_DEVICES_PER_ACCOUNT", 10))
        self.ACCOUNT_DELETION_GRACE_DAYS = float(get("ACCOUNT_DELETION_GRACE_DAYS", 0))
        self.MODERATOR_PHONES = _list(get("MODERATOR_PHONES", ""))
        self.CONSOLE_IDLE_MINUTES = float(get("CONSOLE_IDLE_MINUTES", 30))
        self.CONSOLE_COOKIE_SECURE = _bool(get("CONSOLE_COOKIE_SECURE", self.DEFAULT_CONSOLE_COOKIE_SECURE))
        self.CONSOLE_LINK_TTL_SECONDS = int(get("CONSOLE_LINK_TTL_SECONDS", 600))
        self.EXPORT_INLINE_MAX_BYTES = int(get("EXPORT_INLINE_MAX_BYTES", 50 * 1024 * 1024))
        self.ACCEPT_LEGACY_TOKENS = _bool(get("ACCEPT_LEGACY_TOKENS", "true"))
        self.LEGACY_JWT_SECRETS = _list(get("LEGACY_JWT_SECRETS", ""))
        self.LEGACY_TOKEN_MAX_AGE_DAYS = int(get("LEGACY_TOKEN_MAX_AGE_DAYS", 90))
        self.LEGACY_TOKENS_UNTIL = _moment("LEGACY_TOKENS_UNTIL", get("LEGACY_TOKENS_UNTIL", ""))

        self.MONGODB_URI = get("MONGODB_URI", "")
        self.MONGODB_DB = get("MONGODB_DB", "backend2")
        self.MONGODB_TIMEOUT_MS = int(get("MONGODB_TIMEOUT_MS", 3000))
        self.REDIS_URL = get("REDIS_URL", "")
        self.REDIS_POOL_SIZE = int(get("REDIS_POOL_SIZE", 50))
        self.REDIS_NAMESPACE = get("REDIS_NAMESPACE", "b2")
        self.REDIS_TIMEOUT_MS = int(get("REDIS_TIMEOUT_MS", 1000))

        self.ALLOWED_ORIGINS = _list(get("ALLOWED_ORIGINS", self.DEFAULT_CORS))
        self.TRUST_PROXY_HOPS = int(get("TRUST_PROXY_HOPS", 0))
        self.JSON_MAX_BYTES = int(get("JSON_MAX_BYTES", 1024 * 1024))
        self.UPLOAD_MAX_BYTES = int(get("UPLOAD_MAX_BYTES", 25 * 1024 * 1024))
        self.MAX_CONTENT_LENGTH = max(self.JSON_MAX_BYTES, self.UPLOAD_MAX_BYTES) + 64 * 1024

        self.STORAGE_BACKEND = get("STORAGE_BACKEND", "local").lower()
        self.UPLOAD_DIR = get("UPLOAD_DIR", str(PROJECT_ROOT / "uploads"))
        self.UPLOAD_DIR_PERSISTENT = _bool(get("UPLOAD_DIR_PERSISTENT", "false"))
        self.S3_BUCKET = get("S3_BUCKET", "")
        self.S3_REGION = get("S3_REGION", "")
        self.S3_ENDPOINT_URL = get("S3_ENDPOINT_URL", "")
        self.S3_PREFIX = get("S3_PREFIX", "")
        self.S3_TIMEOUT_MS = int(get("S3_TIMEOUT_MS", 5000))
        self.UPLOAD_URL_TTL_SECONDS = int(get("UPLOAD_URL_TTL_SECONDS", 3600))
        self.UPLOAD_LINK_TTL_SECONDS = int(get("UPLOAD_LINK_TTL_SECONDS", 7 * 86400))
        self.UPLOAD_ORPHAN_TTL_HOURS = float(get("UPLOAD_ORPHAN_TTL_HOURS", 24))
        self.PUBLIC_URL = get("PUBLIC_URL", "").rstrip("/")
        self.AVATAR_MAX_BYTES = int(get("AVATAR_MAX_BYTES", 5 * 1024 * 1024))
        self.AVATAR_MAX_SIDE = int(get("AVATAR_MAX_SIDE", 1024))
        self.IMAGE_MAX_PIXELS = int(get("IMAGE_MAX_PIXELS", 40_000_000))
        self.UPLOAD_IMAGE_MAX_SIDE = int(get("UPLOAD_IMAGE_MAX_SIDE", 4096))
        self.THUMBNAIL_SIDE = int(get("THUMBNAIL_SIDE", 320))
        self.MESSAGE_MAX_CHARS = int(get("MESSAGE_MAX_CHARS", 10_000))
        self.SYNC_SETTLE_MS = int(get("SYNC_SETTLE_MS", 1000))
        self.CONTACT_SYNC_MAX = int(get("CONTACT_SYNC_MAX", 5000))
        self.GROUP_MAX_MEMBERS = int(get("GROUP_MAX_MEMBERS", 256))
        self.CACHE_TTL_SECONDS = float(get("CACHE_TTL_SECONDS", 60))
        self.CACHE_MAX_ENTRIES = int(get("CACHE_MAX_ENTRIES", 20_000))
        self.RECENT_MESSAGES_KEPT = int(get("RECENT_MESSAGES_KEPT", 2000))
        self.REACTIONS_MAX_DISTINCT = int(get("REACTIONS_MAX_DISTINCT", 20))
        self.FORWARD_MAX_TARGETS = int(get("FORWARD_MAX_TARGETS", 5))
        self.PINS_MAX = int(get("PINS_MAX", 3))
        self.PINNED_CHATS_MAX = int(get("PINNED_CHATS_MAX", 5))
        self.DISAPPEARING_MIN_SECONDS = int(get("DISAPPEARING_MIN_SECONDS", 30))

        self.DEFAULT_REGION = get("DEFAULT_REGION", "US").upper()
        self.OTP_TTL_SECONDS = int(get("OTP_TTL_SECONDS", 300))
        self.OTP_MAX_ATTEMPTS = int(get("OTP_MAX_ATTEMPTS", 5))
        self.OTP_RESEND_SECONDS = int(get("OTP_RESEND_SECONDS", 60))
        self.OTP_SENDER = get("OTP_SENDER", "console").lower()
        self.OTP_WEBHOOK_URL = get("OTP_WEBHOOK_URL", "")
        self.OTP_WEBHOOK_TIMEOUT_SECONDS = float(get("OTP_WEBHOOK_TIMEOUT_SECONDS", 5))
        self.OTP_TEST_CODES = _otp_test_codes(get("OTP_TEST_CODES", ""))
        self.PASSWORD_MIN_LENGTH = int(get("PASSWORD_MIN_LENGTH", 8))
        self.BCRYPT_ROUNDS = int(get("BCRYPT_ROUNDS", 12))

        self.RATE_LIMIT_DEFAULT = get("RATE_LIMIT_DEFAULT", self.DEFAULT_RATE_LIMIT_DEFAULT)
        self.RATE_LIMIT_AUTH = get("RATE_LIMIT_AUTH", self.DEFAULT_RATE_LIMIT_AUTH)
        self.RATE_LIMIT_OTP_PER_PHONE = get("RATE_LIMIT_OTP_PER_PHONE", "5 per minute")
        self.RATE_LIMIT_OTP_PER_IP = get("RATE_LIMIT_OTP_PER_IP", "20 per minute")
        self.RATE_LIMIT_PER_ADDRESS = get("RATE_LIMIT_PER_ADDRESS", "3000 per minute")
        self.RATE_LIMIT_MESSAGES = get("RATE_LIMIT_MESSAGES", self.DEFAULT_RATE_LIMIT_MESSAGES)
        self.RATE_LIMIT_TYPING = get("RATE_LIMIT_TYPING", "30 per 10 seconds")
        self.RATE_LIMIT_CALLS = get("RATE_LIMIT_CALLS", "10 per minute")
        self.RATE_LIMIT_CHAT_REQUESTS = get("RATE_LIMIT_CHAT_REQUESTS", "20 per day")
        self.RATE_LIMIT_SOCKET_EVENTS = get("RATE_LIMIT_SOCKET_EVENTS", self.DEFAULT_RATE_LIMIT_SOCKET_EVENTS)
        self.SOCKET_FLOOD_WARNINGS = int(get("SOCKET_FLOOD_WARNINGS", 50))

        self.TYPING_TTL_SECONDS = float(get("TYPING_TTL_SECONDS", 6))
        self.PRESENCE_TTL_SECONDS = float(get("PRESENCE_TTL_SECONDS", 60))
        self.SOCKET_SESSION_CHECK_SECONDS = float(get("SOCKET_SESSION_CHECK_SECONDS", 30))
        self.SOCKET_PING_INTERVAL_SECONDS = float(get("SOCKET_PING_INTERVAL_SECONDS", 25))
        self.SOCKET_PING_TIMEOUT_SECONDS = float(get("SOCKET_PING_TIMEOUT_SECONDS", 20))
        self.DEADLINE_TICK_SECONDS = float(get("DEADLINE_TICK_SECONDS", 0.25))

        self.CALL_TIMEOUT_SECONDS = float(get("CALL_TIMEOUT_SECONDS", 40))
        self.CALL_RECONNECT_GRACE_SECONDS = float(get("CALL_RECONNECT_GRACE_SECONDS", 10))
        self.STUN_URLS = _list(get("STUN_URLS", "stun:stun.l.google.com:19302"))
        self.TURN_URLS = _list(get("TURN_URLS", ""))
        self.TURN_SECRET = get("TURN_SECRET", "")
        self.TURN_TTL_SECONDS = int(get("TURN_TTL_SECONDS", 86400))

        read_push_settings(self, get, _bool)
        read_job_settings(self, get)
        read_link_preview_settings(self, get, _bool)

        self.LOG_LEVEL = get("LOG_LEVEL", "INFO").upper()
        read_observability_settings(self, get)
        self.HOST = get("HOST", "0.0.0.0")
        self.PORT = int(get("PORT", 5000))

        # Extension settings derived from the ones above.
        self.JWT_SECRET_KEY = self.JWT_SECRET
        self.JWT_ALGORITHM = "HS256"
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "swept-memory://"  # backend2/infra/limit_storage.py
        self.RATELIMIT_HEADERS_ENABLED = True
        self.RATELIMIT_HEADER_RETRY_AFTER = "X-RateLimit-Retry-After"
        self.RATELIMIT_KEY_PREFIX = get("RATE_LIMIT_KEY_PREFIX") or f"{self.REDIS_NAMESPACE}:limits"
        self.RATELIMIT_SWALLOW_ERRORS = True
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.APIFAIRY_TITLE = "Backend2"
        self.APIFAIRY_APISPEC_PATH = "/openapi.json"
        self.APIFAIRY_UI_PATH = "/docs"

    def problems(self):
        """Settings that make this environment unsafe to run; empty when all is well."""
        found = []
        if self.OTP_SENDER not in OTP_SENDERS:
            found.append(f"OTP_SENDER must be one of {', '.join(OTP_SENDERS)}")
        if self.OTP_SENDER == "webhook" and not self.OTP_WEBHOOK_URL:
            found.append("OTP_WEBHOOK_URL is missing for OTP_SENDER=webhook")
        if self.TURN_URLS and not self.TURN_SECRET:
            found.append("TURN_URLS needs TURN_SECRET (the coturn static-auth-secret) to issue credentials")
        if self.CONSOLE_IDLE_MINUTES <= 0 or self.CONSOLE_LINK_TTL_SECONDS <= 0:
            found.append("CONSOLE_IDLE_MINUTES and CONSOLE_LINK_TTL_SECONDS must be positive")
        if min(self.CALL_TIMEOUT_SECONDS, self.CALL_RECONNECT_GRACE_SECONDS) <= 0:
            found.append("CALL_TIMEOUT_SECONDS and CALL_RECONNECT_GRACE_SECONDS must be positive")
        if self.STORAGE_BACKEND not in STORAGE_BACKENDS:
            found.append(f"STORAGE_BACKEND must be one of {', '.join(STORAGE_BACKENDS)}")
        if self.STORAGE_BACKEND == "s3" and not self.S3_BUCKET:
            found.append("STORAGE_BACKEND=s3 needs S3_BUCKET")
        if self.CACHE_MAX_ENTRIES < 1:
            found.append("CACHE_MAX_ENTRIES must be at least 1 (CACHE_TTL_SECONDS=0 turns the caches off)")
        if not 1 <= self.DISAPPEARING_MIN_SECONDS <= 90 * 86400:
            found.append("DISAPPEARING_MIN_SECONDS must be between 1 and 7776000 (90 days)")
        return (found + push_problems(self) + job_problems(self) + link_preview_problems(self)
                + observability_problems(self))

    def finalize(self):
        """Refuse unsafe settings, or fill in safe development fallbacks."""
        found = self.problems()
        if found:
            raise ConfigError(
                f"Refusing to start in {self.APP_ENV}: " + "; ".join(found)
            )
        if not self.JWT_SECRET:
            log.warning("JWT_SECRET is not set: using a random secret; tokens end with the process")
            self.SECRET_KEY = self.JWT_SECRET = self.JWT_SECRET_KEY = secrets.token_urlsafe(48)
        return self


class DevelopmentConfig(Config):
    APP_ENV = "development"
    DEBUG = False


class TestingConfig(Config):
    APP_ENV = "testing"
    TESTING = True
    DEFAULT_RATE_LIMIT_DEFAULT = "100000 per minute"
    DEFAULT_RATE_LIMIT_AUTH = "100000 per minute"
    DEFAULT_RATE_LIMIT_MESSAGES = "100000 per minute"
    DEFAULT_RATE_LIMIT_SOCKET_EVENTS = "100000 per minute"

    def __init__(self, env=None):
        super().__init__(env)
        self.BCRYPT_ROUNDS = 4  # the bcrypt minimum: hashing stays real, tests stay fast


class ProductionConfig(Config):
    APP_ENV = "production"
    DEFAULT_CORS = ""
    DEFAULT_CONSOLE_COOKIE_SECURE = "true"

    def problems(self):
        found = super().problems()
        secret = self.JWT_SECRET
        if not secret:
            found.append("JWT_SECRET is missing")
        elif len(secret) < MIN_SECRET_LENGTH:
            found.append(f"JWT_SECRET is shorter than {MIN_SECRET_LENGTH} characters")
        elif secret.lower() in PLACEHOLDER_SECRETS:
            found.append("JWT_SECRET is a known placeholder")
        if not self.MONGODB_URI:
            found.append("MONGODB_URI is missing (no embedded database in production)")
        if "*" in self.ALLOWED_ORIGINS:
            found.append("ALLOWED_ORIGINS allows '*'")
        if not self.CONSOLE_COOKIE_SECURE:
            found.append("CONSOLE_COOKIE_SECURE=false would send the moderator console's cookie over plain HTTP")
        if self.OTP_SENDER == "console":
            found.append("OTP_SENDER=console would only log codes")
        if self.ACCEPT_LEGACY_TOKENS and not self.LEGACY_TOKEN_MAX_AGE_DAYS and not self.LEGACY_TOKENS_UNTIL:
            found.append("ACCEPT_LEGACY_TOKENS is on with neither LEGACY_TOKEN_MAX_AGE_DAYS nor LEGACY_TOKENS_UNTIL: "
                         "the Express servers' tokens would never end")
        if self.STORAGE_BACKEND == "local" and not self.UPLOAD_DIR_PERSISTENT:
            found.append("STORAGE_BACKEND=local keeps files on this machine's disk, which a PaaS wipes: use "
                         "STORAGE_BACKEND=s3, or set UPLOAD_DIR_PERSISTENT=true for a persistent UPLOAD_DIR")
        return found


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name=None, env=None):
    """Build and check the configuration for `name`, defaulting to `APP_ENV`."""
    load_dotenv()
    env = os.environ if env is None else env
    name = (name or env.get("APP_ENV") or "development").lower()
    if name not in CONFIGS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    return CONFIGS[name](env).finalize()
