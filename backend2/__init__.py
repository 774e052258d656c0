"""Backend2: one messaging backend for the desktop (Electron) and the mobile (Flutter) app.

Both apps keep working unchanged: every endpoint takes both apps' field names and answers
with both. This page is generated from the code (routes, marshmallow schemas, docstrings);
the Socket.IO events, which share the same payloads, are in `docs/socket-events.md`.

## Conventions

- **Ids.** Every object carries `id` and `_id` (the same 24-hex-digit string).
- **Times** are UTC, written as JavaScript's `toISOString()` writes them:
  `2026-01-02T03:04:05.678Z`. Times given to the server may be any ISO 8601 time.
- **Both apps' names.** Input takes either name of a pair and output carries both:
  `sender`/`from` (+ `to`), `conversation`/`conversationId`, `text`/`content`,
  `participants`/`members`, `avatar`/`avatarUrl`, `phone`/`phoneNumber`, `otp`/`code`.
  Sending both names of a pair with different values is a 400.
- **Input is checked strictly.** Unknown fields, wrong types and operator objects such as
  `{"$gt": ""}` are 400; so is a user or group name with no visible character. Bodies are
  JSON (415 otherwise, 413 above `JSON_MAX_BYTES`).
- **Pages** take `page` and `limit` and answer `pagination: {page, limit, total, hasMore}`;
  message history pages by cursor instead (see Messages).
- **Rate limits** apply to every endpoint, per account for a signed-in request and per address
  otherwise (stricter on `/auth`, and per phone number on one-time codes), under a ceiling per
  address: 429 `too_many_requests` with `Retry-After`. Messages, typing and calls also spend an
  account budget shared with the sockets: 429 `rate_limited` with `Retry-After` and
  `retryAfter` (seconds) in the body.

## Errors

Every error is JSON, `{"code", "message", "details"?}`, with its status: 400
`validation_error` naming the fields in `details`, 401, 403, 404 (never 403 for something the
caller may not know exists), 405, 409, 413, 415, 429, 502, 503 (`database_unavailable`,
`redis_unavailable`: try again shortly), and 500 `internal_error` without internals. The
`Error` schema lists every `code` and what it means; the sockets use the same codes.

## Authentication

`Authorization: Bearer <token>`. Tokens Backend2 issues are HS256 JWTs with `sub`, `uid` and
`id` (the user id: the mobile app reads `uid`, the desktop app `id`), `sessionId`, `iat` and
`exp`; one works only while its session is live. The Express servers' tokens keep working: the
desktop app's `{id, sessionId}` naming an imported session, and the mobile app's `{uid}` while
`ACCEPT_LEGACY_TOKENS` is true; these two shapes may also be signed with one of
`LEGACY_JWT_SECRETS`, and may name any id an Express server gave the person. They are bounded:
one whose `iat` is older than `LEGACY_TOKEN_MAX_AGE_DAYS`, or without `iat` after
`LEGACY_TOKENS_UNTIL`, is `token_expired`. The first use of a `{uid}` token gets it a session of
its own ("legacy app" in `GET /auth/sessions`, `legacy: true`): ending that session ends the
token, and signing out everywhere, a password change, a suspension or a deletion end every
Express token issued before it (`session_revoked`). `POST /auth/token/upgrade`, with an Express
token as the bearer, exchanges it for a token of ours (the old one stops working). Expired:
`token_expired`; unsigned, wrongly signed or malformed: `invalid_token`; no token:
`token_missing`; ended session: `session_revoked`. All 401.
"""
import logging

from werkzeug.middleware.proxy_fix import ProxyFix

from backend2.infra.fast_json import OrjsonProvider
from backend2.infra.flask_app import App
from backend2.infra.stateless_sessions import StatelessSessions
from backend2.version import VERSION
from config import load_config

TEXT_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def create_app(config_name=None, env=None):
    """Build the app for `config_name` (default: APP_ENV) from `env` (default: os.environ)."""
    config = load_config(config_name, env)
    app = App(__name__, static_folder=None)  # no static files: uploads have their own route
    app.session_interface = StatelessSessions()
    app.json = OrjsonProvider(app)
    app.config.from_object(config)
    app.config["APIFAIRY_VERSION"] = VERSION
    _configure_logging(config.LOG_LEVEL, config.LOG_FORMAT)
    _configure_observability(config)
    if config.TRUST_PROXY_HOPS:
        hops = config.TRUST_PROXY_HOPS
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from backend2.database import connect_database
    connect_database(config)
    _init_extensions(app, config)

    from backend2.commands import register_commands
    from backend2.controllers import BLUEPRINTS
    from backend2.extensions import apifairy
    from backend2.middlewares.error_handlers import register_error_handlers
    from backend2.middlewares.request_logging import register_request_logging
    from backend2.actors import register_actors
    from backend2.receivers import register_receivers

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    register_error_handlers(app, apifairy)
    register_request_logging(app)
    register_commands(app)
    register_receivers(app)  # who hears each event the services announce, in one list
    register_actors(app)  # the background jobs, in one list
    return app


def _init_extensions(app, config):
    import backend2.sockets  # noqa: F401  registers the event handlers before init_app hands them over
    from backend2.extensions import (
        apifairy, cors, jobs, jwt, limiter, ma, push_gateways, redis_store, shared_cache, socketio, storage,
    )
    from backend2.infra.ping_timers import use_ping_timers
    from backend2.infra.websocket_frames import use_fast_frames
    from backend2.infra.protocol_floor import OutdatedClientLog
    from backend2.infra.socketio_acks import track_ack_requests
    from backend2.infra.socketio_packets import FastJson, SocketPacket
    from backend2.infra.socketio_batch import LocalManager
    from backend2.infra.socketio_redis_manager import BoundedRedisManager

    origins = config.ALLOWED_ORIGINS
    redis_store.init_app(app)
    shared_cache.init_app(app, redis_store.client, redis_store.key("cache-invalidations"))
    storage.init_app(app)
    push_gateways.init_app(app)
    jobs.init_app(app, redis_store.state, config.REDIS_NAMESPACE)
    if redis_store.client:  # rate limits use the same pool, and so fail fast with it
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {"connection_pool": redis_store.client.connection_pool}
    ma.init_app(app)
    jwt.init_app(app)
    limiter.init_app(app)
    apifairy.init_app(app)
    cors.init_app(app, origins=origins, expose_headers=["Retry-After", "X-Request-ID"])
    socketio.init_app(
        app,
        async_mode="gevent",
        client_manager=BoundedRedisManager(config.REDIS_URL, config.REDIS_POOL_SIZE, config.REDIS_TIMEOUT_MS,
                                           channel=redis_store.key("socketio"), json=FastJson)
        if config.REDIS_URL else LocalManager(),
        cors_allowed_origins="*" if "*" in origins else origins,
        max_http_buffer_size=config.JSON_MAX_BYTES,
        ping_interval=config.SOCKET_PING_INTERVAL_SECONDS,
        ping_timeout=config.SOCKET_PING_TIMEOUT_SECONDS,
        serializer=SocketPacket,
        # Each connection already reads in its own greenlet; running its events there too
        # saves a greenlet per event and keeps one device's events in the order it sent them.
        async_handlers=False,
    )
    track_ack_requests(socketio.server)
    use_ping_timers()
    use_fast_frames()
    # Around Flask-SocketIO's middleware, which it just added. Its bound method, not the object:
    # Python calls an object's __call__ through C, a C stack frame more that every connection's
    # greenlet keeps while it waits (0.75 KB each).
    app.wsgi_app = OutdatedClientLog(app.wsgi_app).__call__


def _configure_observability(config):
    from backend2.infra import metrics
    from backend2.infra.error_reporting import init_error_reporting

    if init_error_reporting(config):
        logging.getLogger(__name__).info("Reporting errors to Sentry (%s)", config.SENTRY_ENVIRONMENT)
    if config.METRICS_PORT:
        metrics.serve_on_port(config.METRICS_PORT)


def _configure_logging(level, log_format):
    from backend2.infra.json_logs import JsonFormatter

    logging.basicConfig(level=level, format=TEXT_LOG_FORMAT)
    root = logging.getLogger()
    root.setLevel(level)
    for handler in root.handlers:
        handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_LOG_FORMAT))
