"""LOG_FORMAT=json: one JSON object per line (orjson), for log platforms that parse them.

Every record has `time` (ISO 8601 UTC, milliseconds), `level`, `logger` and `message`; a record
logged with `extra={"fields": {...}}` (the request log: requestId, userId, method, route,
status, durationMs) carries those too, and one with an exception its traceback in `exception`.
"""
import logging
from datetime import datetime, timezone

import orjson


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()
