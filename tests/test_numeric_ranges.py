"""The valid range of every number in the input contracts (docs/contracts.md, "Valid ranges"),
and a decision that is never silently wrong (issue #9)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from engine.contracts.errors import EvaluationError, InputError
from engine.contracts.facts import Account, HistoryEntry
from engine.contracts.jsonl import read_models
from engine.contracts.timestamps import parse_at, parse_date
from engine.decide.evaluator import Evaluator
from engine.playbook.loader import load_playbook

ROOT = Path(__file__).resolve().parent.parent
BASE = {"account_id": "A", "debtor_id": "D", "jurisdiction": "CN", "balance": "1.00", "dpd": 1}

VALID: list[dict[str, Any]] = [
    {"balance": "9999999999999.99"},
    {"balance": "9999999999999.99", "currency": "USD"},
    {"balance": "100.00", "currency": "JPY"},  # trailing zeros are not decimal places
    {"balance": "999999999999999", "currency": "JPY"},
    {"balance": "123.456", "currency": "KWD"},
    {"balance": 0},
    {"dpd": 36_500},
    {"risk_score": 0},
    {"risk_score": 1_000_000},
    {"attributes": {"score": 9_007_199_254_740_991, "ratio": Decimal("0.1234"), "deep": {"x": [1, "a"]}}},
    {"breathing_space": {"kind": "standard", "start": "2200-12-31"}},
]

# (the field as it stands in a JSON line, what the error says after `FILE:1:1: `)
INVALID: list[tuple[str, str]] = [
    ('"balance": "9999999999999999.00"', "balance: must be below 10,000,000,000,000"),
    ('"balance": 9999999999999999.00', "balance: must be below 10,000,000,000,000"),
    ('"balance": "10000000000000"', "balance: must be below"),
    ('"balance": "1000000000000", "currency": "KWD"', "balance: must be below 1,000,000,000,000"),
    ('"balance": 1e400', "balance: must be below"),
    ('"balance": "1' + "0" * 400 + '"', "balance: must be below"),
    ('"balance": "NaN"', "balance: "),
    ('"balance": "Infinity"', "balance: "),
    ('"balance": "-0.01"', "balance: "),
    ('"balance": "0.001"', "balance: has 3 decimal places; an amount without currency allows at most 2"),
    ('"balance": 0.000000001', "balance: has 9 decimal places"),
    ('"balance": "1.5", "currency": "JPY"', "balance: has 1 decimal places; JPY allows at most 0"),
    ('"balance": true', "balance: "),
    ('"dpd": 36501', "dpd: "),
    ('"dpd": -1', "dpd: "),
    ('"dpd": 1' + "0" * 30, "dpd: "),
    ('"risk_score": -1', "risk_score: "),
    ('"risk_score": 1000001', "risk_score: "),
    ('"birth_year": 1899', "birth_year: "),
    ('"attributes": {"score": 9007199254740993}', "attributes: attributes.score: whole numbers must be within"),
    ('"attributes": {"x": {"y": [0.00001]}}', "attributes: attributes.x.y[0]: at most 4 decimal places"),
    ('"attributes": {"x": 1e16}', "attributes: attributes.x: whole numbers"),
    ('"attributes": {"x": 123456789012.1234}', "attributes: attributes.x: at most 15 significant digits"),
    ('"breathing_space": {"kind": "standard", "start": "9999-12-31"}', "breathing_space.start: year 9999"),
]


@pytest.mark.parametrize("facts", VALID, ids=repr)
def test_values_inside_the_ranges_are_accepted(facts: dict[str, Any]) -> None:
    Account.model_validate(BASE | facts)


@pytest.mark.parametrize(("field", "says"), INVALID, ids=[f[:40] for f, _ in INVALID])
def test_values_outside_the_ranges_are_refused_naming_the_field(tmp_path: Path, field: str, says: str) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"account_id": "A", "debtor_id": "D", "jurisdiction": "CN", "balance": "1.00", "dpd": 1, '
                    + field + "}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(read_models(path, Account))
    assert any(str(p).startswith(f"{path}:1:1: ") and says in p.message for p in caught.value.problems), caught.value


@pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("NaN"), Decimal("-Infinity")])
def test_non_finite_numbers_are_refused_from_python_callers_too(value: Any) -> None:
    with pytest.raises(ValueError, match="finite"):
        Account.model_validate(BASE | {"attributes": {"x": value}})
    with pytest.raises(ValueError, match="finite"):
        Account.model_validate(BASE | {"balance": value})


@pytest.mark.parametrize("at", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "1899-12-31T00:00:00Z"])
def test_timestamps_outside_the_years_are_refused(at: str) -> None:
    with pytest.raises(ValueError, match="year"):
        HistoryEntry.model_validate({"account_id": "A", "at": at, "channel": "call"})
    with pytest.raises(InputError, match="--at: year"):
        parse_at(at)


def test_dates_outside_the_years_are_refused() -> None:
    with pytest.raises(InputError, match="--as-of: year 2201"):
        parse_date("2201-01-01")


class _LosingMatcher:
    """A matcher that lost every fact: what a rules engine that misread a value looks like."""

    def __init__(self, program: Any) -> None:
        self.program = program

    def match(self, rows: Any) -> list[frozenset[str]]:
        return [self.program.always for _ in rows]


def test_an_in_scope_account_left_without_its_stage_is_an_error_not_stage_null() -> None:
    """Issue #9: the daily run recorded `stage None`, "no stage applies … [dpd=48]", for an
    account whose dpd is in a stage. When the matcher finds no stage, the reference decides."""
    evaluator = Evaluator(load_playbook(ROOT / "playbooks" / "cn-credit-card.yaml"), matcher="python")
    account = Account.model_validate(BASE | {"product": "credit_card", "dpd": 48, "balance": "5000.00"})
    at = datetime(2026, 12, 1, 1, tzinfo=UTC)
    assert evaluator.decide([account], {}, at)[0]["stage"] is not None
    evaluator.matcher = _LosingMatcher(evaluator.program)
    with pytest.raises(EvaluationError, match="placed an in-scope account in no stage"):
        evaluator.decide([account], {}, at)


def test_an_account_no_stage_covers_still_gets_stage_null() -> None:
    evaluator = Evaluator(load_playbook(ROOT / "playbooks" / "cn-credit-card.yaml"), matcher="durable")
    account = Account.model_validate(BASE | {"product": "credit_card", "dpd": 0, "balance": "5000.00"})
    (decision,) = evaluator.decide([account], {}, datetime(2026, 12, 1, 1, tzinfo=UTC))
    assert decision["stage"] is None and any("no stage applies" in line for line in decision["explanation"])


def test_a_stored_account_reads_back_with_the_same_numbers() -> None:
    """Issue #9's class: `import accounts` stores `model_dump_json`, the daily run reads it back.
    Fractional attributes came back as strings ("0.25"), which never compare with a number:
    the daily run's decision silently differed from `decide`'s."""
    from engine.contracts.jsonl import parse_line

    line = ('{"account_id": "A", "debtor_id": "D", "jurisdiction": "CN", "balance": "12.50", "dpd": 1, '
            '"attributes": {"ratio": 0.25, "n": 3, "deep": [0.1, {"x": 1234567890.1234}], "s": "0.5"}}')
    account = Account.model_validate(parse_line(line, "a.jsonl", 1))
    again = Account.model_validate_json(account.model_dump_json())
    assert again == account
    deep = [Decimal("0.1"), {"x": Decimal("1234567890.1234")}]
    assert again.attributes == {"ratio": Decimal("0.25"), "n": 3, "deep": deep, "s": "0.5"}


@pytest.mark.parametrize("zone", ["1" * 400, "Mars/Olympus", "../../etc/passwd", "Asia/Shanghai\x00"])
def test_an_impossible_zone_is_an_error_naming_the_field(zone: str) -> None:
    """Found by tests/test_fuzz_inputs.py: a 400-character zone name raised OSError (file
    name too long) out of zoneinfo, a traceback instead of exit 2."""
    with pytest.raises(ValueError, match="timezone") as caught:
        Account.model_validate(BASE | {"timezone": zone})
    assert "unknown IANA time zone" in str(caught.value)
