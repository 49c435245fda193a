"""`kind: targets` files through `arrears validate`: the shipped example passes; every fault
is refused with exit 2 and `FILE:LINE:COL: field: message` at the offending key or value."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from cli_helpers import PLAYBOOK, assert_refused, position, run, write_playbook

from engine.playbook.targets import Targets, load_targets, status

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "playbooks" / "targets").glob("*.yaml"))

GOOD = """\
kind: targets
version: 1
name: t
month: 2027-02
currency: CNY
holidays: [2027-02-12]
targets:
  - {queue: alpha, collected: "1000.00"}
  - {queue: beta, collected: 250.5, currency: GBP}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "targets.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_targets_validate(arrears_cmd: list[str], path: Path) -> None:
    result = run(arrears_cmd, "validate", "--json", path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["name"] == "collections-targets"


def test_shipped_targets_name_queues_of_the_shipped_playbooks() -> None:
    import yaml

    queues = set()
    for pb in (ROOT / "playbooks").glob("*-*.yaml"):
        text = pb.read_text(encoding="utf-8")
        queues |= {q.strip().rstrip("}") for q in text.split("queue:")[1:] for q in [q.split()[0]]}
    for path in SHIPPED:
        named = {t["queue"] for t in yaml.safe_load(path.read_text())["targets"]}
        assert named <= queues, named - queues


def test_good_file_validates_with_exact_amounts(arrears_cmd: list[str], tmp_path: Path) -> None:
    assert run(arrears_cmd, "validate", _write(tmp_path, GOOD)).returncode == 0
    loaded = load_targets(tmp_path / "targets.yaml").targets
    assert [t.collected for t in loaded.targets] == [Decimal("1000.00"), Decimal("250.5")]
    assert [loaded.currency_of(t) for t in loaded.targets] == ["CNY", "GBP"]


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ("currency: CNY\n", "currency: CNY\nowner: me\n", "owner", "owner: unknown key"),
        ('"1000.00"}', '"1000.00", weight: 2}', "weight", "targets.0.weight: unknown key"),
        ("version: 1\n", "version: [1]\n", "[1]", "version:"),
        ('"1000.00"', '"lots"', '"lots"', "targets.0.collected: Input should be a valid decimal"),
        ('"1000.00"', "-1000", "-1000", "targets.0.collected: Input should be greater than 0"),
        ('"1000.00"', "0", "0}", "targets.0.collected: Input should be greater than 0"),
        ('"1000.00"', "10.005", "10.005", "no more than 2 decimal places"),
        ('"1000.00"', "true", "true", "targets.0.collected: an amount is a number"),
        ("2027-02-12]", "2027-02-30]", "2027-02-30", "'2027-02-30' is not a valid value"),
        ("2027-02-12]", "2027-03-01]", "2027-03-01", "holidays.0: 2027-03-01 is not in month 2027-02"),
        ("2027-02-12]", "2027-02-12, 2027-02-12]", "2027-02-12]", "holidays.1: 2027-02-12 is listed twice"),
        ("month: 2027-02", "month: 2027-13", "2027-13", "month: String should match pattern"),
        ("kind: targets\n", "kind: targets\nkind: targets\n", "kind", "duplicate key 'kind'"),
        ("queue: beta", "queue: alpha", "alpha, collected: 250.5", "targets.1.queue: queue 'alpha' has two targets"),
        ("currency: CNY\n", "", "{queue: alpha", "targets.0.currency: no currency"),
        ("currency: CNY\n", "currency: yuan\n", "yuan", "currency: String should match pattern"),
    ],
)
def test_bad_targets_are_refused_at_their_position(
    arrears_cmd: list[str], tmp_path: Path, old: str, new: str, needle: str, message: str
) -> None:
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    path = _write(tmp_path, text)
    found = assert_refused(run(arrears_cmd, "validate", path))
    assert len(found) == 1, found
    assert found[0]["file"] == str(path)
    line, col = position(text, needle, 2 if needle == "kind" else 1)
    assert (int(found[0]["line"]), int(found[0]["col"])) == (line, col), found
    assert message in found[0]["message"], found


def test_a_month_without_working_days_is_refused(tmp_path: Path) -> None:
    weekdays = [date(2027, 2, d) for d in range(1, 29) if date(2027, 2, d).weekday() < 5]
    text = GOOD.replace("[2027-02-12]", "[" + ", ".join(map(str, weekdays)) + "]")
    with pytest.raises(Exception, match="holidays: month 2027-02 has no working day left"):
        load_targets(_write(tmp_path, text))


def test_impossible_dates_in_a_playbook_are_refused_not_a_traceback(arrears_cmd: list[str], tmp_path: Path) -> None:
    text = PLAYBOOK.replace("      - id: nudge\n", "      - id: nudge\n        since: 2026-02-30\n", 1)
    path = write_playbook(tmp_path, text)
    found = assert_refused(run(arrears_cmd, "validate", path))
    assert (int(found[0]["line"]), int(found[0]["col"])) == position(text, "2026-02-30")


def _targets(**changes: object) -> Targets:
    base = {
        "kind": "targets",
        "version": 1,
        "name": "t",
        "month": "2027-02",
        "currency": "CNY",
        "holidays": [date(2027, 2, 12), date(2027, 2, 15)],
        "targets": [{"queue": "q", "collected": "18000"}],
    }
    return Targets.model_validate({**base, **changes})


def test_no_working_day_left_asks_for_everything_missing() -> None:
    # Sat 27th: the 26th was the last working day; 17000 is still missing
    row = status(_targets(), date(2027, 2, 27), {("q", "CNY"): Decimal("1000")})[0]
    assert row["target_to_date"] == "18000.00" and row["daily_target"] == "17000.00"


def test_daily_targets_on_track_are_the_even_share() -> None:
    # on track at the start of Wed 10th (7 days × 1000 in): 11000 over 11 days
    row = status(_targets(), date(2027, 2, 10), {("q", "CNY"): Decimal("7000")})[0]
    assert row["daily_target"] == "1000.00" and row["target_to_date"] == "8000.00"


def test_committed_targets_schema_is_fresh_and_shipped_targets_satisfy_it() -> None:
    import yaml

    from engine.playbook.schema import render

    committed = ROOT / "docs" / "targets.schema.json"
    assert committed.read_text(encoding="utf-8") == render("targets"), "stale: run `make schema`"
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads(committed.read_text(encoding="utf-8")))
    for path in SHIPPED:
        document = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
        assert not list(validator.iter_errors(document))
        document["targets"][0]["colected"] = document["targets"][0].pop("collected")
        assert any("colected" in e.message for e in validator.iter_errors(document))
