"""The published contract: /openapi.json covers every endpoint, and the running server keeps
it under schemathesis's generated requests (no 5xx, documented statuses and bodies)."""
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.redis
FUZZ_EXAMPLES = 15  # per operation; bounded so the suite stays fast
UNDOCUMENTED = {"/openapi.json", "/docs", "/metrics"}  # /metrics: Prometheus text for operators (docs/deploying.md)
CONSOLE = "/console/"  # web pages for moderators, not the API (docs/console.md)


def test_every_route_is_documented_with_its_auth_and_errors(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and "Error" in spec["components"]["schemas"]
    documented = {(re.sub(r"\{(\w+)\}", r"<\1>", path), method.upper())
                  for path, operations in spec["paths"].items() for method in operations}
    for rule in client.application.url_map.iter_rules():
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert path in UNDOCUMENTED or path.startswith(CONSOLE) or (path, method) in documented, (method, rule.rule)
    assert not any(path.startswith(CONSOLE) for path in spec["paths"])
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert any(status.startswith("2") for status in responses), (method, path)
            if operation.get("security"):
                assert "401" in responses, (method, path)
            for status, response in responses.items():
                if status[0] in "45":
                    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_the_docs_page_is_served(client):
    response = client.get("/docs")
    assert response.status_code == 200 and "openapi.json" in response.get_data(as_text=True)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda mode: mode.value)
def test_generated_requests_get_documented_answers(live_server, mode):
    """schemathesis generates requests for every operation from /openapi.json, signed in: valid
    ones, and (negative) ones that break the documented schemas. Every answer must be no 5xx, a
    documented status with a JSON error or the documented body; invalid data must be refused.

    (schemathesis's own pytest plugin does not run under pytest 9, so this drives its
    strategies with hypothesis directly.)"""
    signed_in = live_server.register(name="Fuzz")
    # Signing out (one device or all) would only turn the remaining examples into 401s.
    schema = (schemathesis.openapi.from_url(f"{live_server.base}/openapi.json").exclude(path="/auth/logout")
              .exclude(path="/auth/sessions", method="DELETE"))
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    if mode is GenerationMode.NEGATIVE:
        checks.append(negative_data_rejection)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30

    fuzzed = 0
    for operation in operations:
        @settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None, derandomize=True)
        @given(case=operation.as_strategy(generation_mode=mode))
        def answers_as_documented(case):
            case.call_and_validate(base_url=live_server.base, headers=signed_in.headers, checks=checks)

        try:
            answers_as_documented()
            fuzzed += 1
        except Unsatisfiable:  # nothing in this operation can be made invalid (no body, no parameters)
            assert mode is GenerationMode.NEGATIVE, operation.label
        except Exception as failure:
            raise AssertionError(f"{operation.label}: {failure}") from failure
    assert fuzzed > 20
