"""Golden cases per compliance rule: account + history + action -> the exact verdict.

One generic test runs every case in tests/compliance_cases/; a second makes sure each
registered rule has its own file with cases where it refuses and cases where it allows.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from compliance_golden import all_cases, case_files, load_file

from engine.compliance.gate import check
from engine.compliance.limits import tighten
from engine.compliance.registry import all_rules

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_golden(case) -> None:
    verdict = check(case.account, case.history, case.action, limits=tighten(case.limits))
    got = {v.rule for v in verdict.violations}
    assert got == case.expect, [v.model_dump() for v in verdict.violations]
    assert verdict.allowed is (not case.expect)
    if "next_allowed_at" in case.raw:
        expected = case.raw["next_allowed_at"]
        if expected is None:
            assert verdict.next_allowed_at is None
        else:
            # Same instant *and* the same offset as written in the case.
            assert verdict.next_allowed_at is not None
            assert verdict.to_json()["next_allowed_at"] == datetime.fromisoformat(str(expected)).isoformat()
    if "reason" in case.raw:
        reasons = [v.reason for v in verdict.violations if v.rule == case.rule]
        assert any(case.raw["reason"] in r for r in reasons), reasons


def test_every_rule_has_golden_cases_both_ways() -> None:
    by_file = {p.stem: load_file(p) for p in case_files()}
    for rule in all_rules():
        cases = by_file.get(rule.id)
        assert cases, f"no tests/compliance_cases/{rule.id}.yaml"
        assert all(c.rule == rule.id for c in cases)
        assert any(rule.id in c.expect for c in cases), f"{rule.id}: no case where it refuses"
        assert any(rule.id not in c.expect for c in cases), f"{rule.id}: no case where it allows"
    assert set(by_file) <= {r.id for r in all_rules()}, "a case file names an unknown rule"
