"""Infrastructure, apart from the domain: the embedded database, Redis pools, file storage, the
push providers, the server, and adaptations of library internals. Nothing here imports the
domain (tests/unit/test_layers.py).

Each adaptation depends on the pinned versions of requirements.txt / requirements-embedded.txt
named below, and a test would catch an upgrade breaking it:

| Module | What it adapts | Depends on | Caught by |
|---|---|---|---|
| `embedded_mongo.py` | hash indexes inside mongomock's store | mongomock 4.3.0 (`store`, `Collection._iter_documents`, `_ensure_uniques`) | tests/unit/test_embedded_mongo.py |
| `embedded_compat.py` | redeclared indexes, `bulk_write`, cursors | mongomock 4.3.0 with pymongo 4.20.1 | tests/unit/test_embedded_mongo.py |
| `devdb.py` | the embedded database over the wire | MockupDB 1.8.1, pymongo 4.20.1 | tests/system/test_devdb.py, every multi-process test |
| `redis_pools.py`, `redis_breaker.py` | bounded waiting pools that fail fast | redis-py 8.1.0 (`BlockingConnectionPool`, `Connection`) | tests/system/test_faults.py, tests/system/test_multiprocess.py |
| `media_probe.py` | duration, size and first frame of audio and video | imageio-ffmpeg 0.8.1 (its ffmpeg's output) | tests/api/test_media_probe.py |
| `storage.py` | files in a folder or an S3-compatible bucket | boto3/botocore 1.44.8 | tests/system/test_storage_s3.py |
| `fcm.py`, `push_gateways.py` | push to FCM HTTP v1, OAuth2 from a service account | google-auth 2.63.0, httpx 0.28.1 | tests/system/test_push.py (an FCM stand-in) |
| `apns.py` | push to APNs over HTTP/2, ES256 provider tokens | httpx 0.28.1 with h2 4.4.1, PyJWT 2.15.1 | tests/system/test_push.py (an HTTP/2 TLS stand-in) |
| `server.py` | TCP_NODELAY, small read buffers, graceful stop | gevent 26.9.0, gevent-websocket 0.10.1 | tests/system/test_server_process.py |
| `socketio_packets.py` | tolerant JSON by orjson, one-loop binary check | python-socketio 5.18.1 (`Packet`), orjson 3.13.0 | tests/unit/test_socket_packets.py, tests/system/test_socket_fuzz.py |
| `socketio_batch.py` | several emits at once (`emit_each`) | python-socketio 5.18.1 (`Manager.emit`) | tests/api/test_group_message_publish.py, tests/realtime |
| `fast_json.py` | Flask's JSON by orjson | Flask 3.1.3 (`DefaultJSONProvider`), orjson 3.13.0 | tests/unit/test_fast_json.py |
| `stateless_sessions.py` | no cookie session per request or socket event | Flask 3.1.3 (`SessionInterface`) | every API and socket test |
| `socketio_acks.py` | knowing whether an event wants an ack | python-socketio 5.18.1 (`Server._handle_event_internal`) | tests/realtime/test_realtime.py (`error` events) |
| `socketio_redis_manager.py` | one bounded pool, steady re-subscribing, one publish per `emit_each` | python-socketio 5.18.1 (`RedisManager`, `PubSubManager._handle_emit`) | tests/system/test_multiprocess.py, tests/system/test_faults.py, tests/api/test_group_message_publish.py |
| `ping_timers.py` | pings from hub timers | python-engineio 4.15.1 (`Socket.schedule_ping`), gevent | tests/realtime/test_realtime.py (`test_pings_keep_idle_sockets_open`) |

The stand-ins (mongomock, MockupDB, fakeredis) are imported only when the embedded default is
used, so a production install (requirements.txt alone) has none of them
(tests/system/test_production_install.py).
"""
