"""Flask's JSON written and read by orjson: a page of conversations is written about ten times
faster than by `json` (bench/RESULTS.md). The output keeps Flask's: sorted keys, compact;
what orjson would write its own way (dates, dataclasses) or cannot write (a key that is not a
string, say marshmallow's list positions) goes through Flask's own provider, and so does the
indented output of debug mode."""
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
        return orjson.loads(s)
