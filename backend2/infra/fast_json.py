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
        if "indent" not in kwargs:
            try:
                return orjson.dumps(obj, default=self._orjson_default, option=OPTIONS).decode()
            except TypeError:
                pass
        return super().dumps(obj, **kwargs)

    @staticmethod
    def _orjson_default(value):
        raise TypeError  # anything orjson leaves to us: Flask's provider writes the whole response

    def loads(self, s, **kwargs):
        return read_json(s)


def read_json(text):
    """`json.loads`, by orjson where it can (raises ValueError as `json.loads` does)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
