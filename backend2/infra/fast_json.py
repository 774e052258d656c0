"""Flask's JSON written and read by orjson: a page of conversations is written about ten times
faster than by `json` (bench/RESULTS.md). The output keeps Flask's: sorted keys, compact;
what orjson would write its own way (dates, dataclasses) or cannot write (a key that is not a
string, say marshmallow's list positions) goes through Flask's own provider, and so does the
indented output of debug mode.

Reading: orjson refuses what `json` reads (half of a UTF-16 pair, NaN, integers beyond 64
bits); such a document is read again by `json`, so the schemas still answer which field is
wrong, as before."""
import json

import orjson
from flask.json.provider import DefaultJSONProvider

OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class OrjsonProvider(DefaultJSONProvider):
    def dumps(self, obj, **kwargs):
        if "indent" in kwargs:
            return super().dumps(obj, **kwargs)
        return write_json(obj, OPTIONS, lambda: super(OrjsonProvider, self).dumps(obj, **kwargs))

    def loads(self, s, **kwargs):
        return read_json(s)


def write_json(data, option, otherwise):
    """Compact JSON by orjson, or `otherwise()` for what orjson cannot write or leaves to us."""
    try:
        return orjson.dumps(data, default=_leave_to_json, option=option).decode()
    except TypeError:
        return otherwise()


def _leave_to_json(value):
    raise TypeError  # whatever orjson hands back (a passed-through type) goes to `otherwise`


def read_json(text):
    """`json.loads`, by orjson where it can (raises ValueError as `json.loads` does)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
