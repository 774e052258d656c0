"""One list of error codes, and every place that lists them is that list."""
import re
from pathlib import Path

from backend2.api_docs import ERROR_SCHEMA
from backend2.errors import ALL_CODES, Codes

ROOT = Path(__file__).resolve().parents[2]


def test_codes_are_unique_snake_case_and_each_says_what_it_means():
    assert len(set(ALL_CODES)) == len(ALL_CODES)
    for code in ALL_CODES:
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", code) and code.meaning, code
    assert Codes.USER_NOT_FOUND == "user_not_found"  # a code is its text wherever it goes


def test_the_openapi_error_schema_lists_every_code():
    code = ERROR_SCHEMA["properties"]["code"]
    assert code["enum"] == list(ALL_CODES)
    assert all(f"`{c}`: {c.meaning}" in code["description"] for c in ALL_CODES)


def test_the_socket_events_document_lists_every_code_with_its_meaning():
    text = (ROOT / "docs" / "socket-events.md").read_text()
    table = re.findall(r"^\| `([a-z_]+)` \| (.+) \|$", text.split("### Error codes", 1)[1].split("\n## ", 1)[0], re.M)
    assert table == [(str(code), code.meaning) for code in ALL_CODES]
