"""Flask's JSON through orjson: the same documents as Flask's own provider writes and reads."""
import dataclasses
import json
from datetime import datetime, timezone

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from backend2.infra.fast_json import OrjsonProvider


@dataclasses.dataclass
class Point:
    x: int


@pytest.fixture
def providers():
    app = Flask(__name__)
    return OrjsonProvider(app), DefaultJSONProvider(app)


@pytest.mark.parametrize("value", [
    {"b": 1, "a": [1, 2.5, None, True, "héllo 👋"], "c": {"z": {}, "y": []}},
    {"participants": {0: ["Not a valid id."]}},  # marshmallow's list positions: not string keys
    {"at": datetime(2026, 11, 27, 1, 2, 3, tzinfo=timezone.utc)},
    {"point": Point(3)},
    [],
])
def test_writes_what_flask_writes(providers, value):
    fast, flask_own = providers
    written = fast.dumps(value)
    assert json.loads(written) == json.loads(flask_own.dumps(value))
    assert list(json.loads(written)) == list(json.loads(flask_own.dumps(value)))  # keys sorted alike


def test_compact_unless_indented_and_reads_back(providers):
    fast, _ = providers
    assert fast.dumps({"b": "é", "a": 1}) == '{"a":1,"b":"é"}'
    assert fast.dumps({"a": 1}, indent=2) == '{\n  "a": 1\n}'
    assert fast.loads('{"a": [1, 2.5, "x"]}') == {"a": [1, 2.5, "x"]}
    # What orjson refuses and json reads is read as json reads it, for the schemas to judge.
    assert fast.loads('{"a": "\\ud800", "n": 123456789012345678901234567890}') == {
        "a": "\ud800", "n": 123456789012345678901234567890}
    with pytest.raises(ValueError):  # werkzeug turns a ValueError into 400 invalid JSON
        fast.loads('{"a": ')
