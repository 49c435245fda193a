"""Schemathesis over `/openapi.json` (issue #14): generated requests to every endpoint, as an
ops user, never a 5xx, and every response matches its documented schema and media type.
Bounded (`MAX_EXAMPLES` per operation) so it stays a test, not a fuzzing campaign.

Each operation's Hypothesis strategy is driven by `given` directly: schemathesis' pytest
plugin does not load with this pytest."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from api_fixtures import make_api
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

MAX_EXAMPLES = 25
SEEN: list[tuple[str, str, int]] = []
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def _exercise(operation: schemathesis.APIOperation, auth: dict[str, str]) -> None:
    """`MAX_EXAMPLES` generated requests to one operation, every response checked."""

    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def conforms(case: schemathesis.Case) -> None:
        response = case.call_and_validate(headers=auth, checks=CHECKS)
        SEEN.append((operation.method.upper(), operation.path, response.status_code))

    conforms()


def test_no_server_error_and_every_response_matches_its_schema(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for api in make_api(monkeypatch, tmp_path, rate=1e6, burst=10**6):
        schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
        auth = {"Authorization": f"Bearer {api.keys['ops']}"}
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 9  # every endpoint of the contract, health and readiness

        for operation in operations:
            _exercise(operation, auth)
    assert {path for _, path, _ in SEEN} >= {"/v1/check", "/v1/emergencies", "/v1/history", "/v1/payments"}
    assert any(status == 422 for *_, status in SEEN)  # it did send bad input, answered as problems
    assert ("POST", "/v1/check", 200) in SEEN  # and valid checks, answered with a verdict
