"""`arrears worklist` reads the recorded allocation (contract "Collectors' day"): rows ordered
by slot as instants (collectors in different zones), one collector's day, the overflow list,
bad input refused; and the demo's summary of one collector's day with the overflow count."""

from __future__ import annotations

import json
from pathlib import Path

import record_fixtures as rf
from cli_helpers import assert_refused
from record_fixtures import Cli

from engine.store.allocations import replace_day
from engine.store.db import get_engine, upgrade

db_url, cli = rf.db_url, rf.cli
DAY = "2026-11-30"


def _row(account: str, outcome: str, collector: str | None, slot: str | None, position: int | None, **kw: object):
    return {
        "business_date": DAY,
        "account_id": account,
        "queue": "q",
        "outcome": outcome,
        "collector": collector,
        "overflow_to": kw.get("overflow_to"),
        "slot": slot,
        "position": position,
        "priority": kw.get("p", 50),
        "reason": kw.get("reason", "new case"),
        "flow_run_id": "run-1",
    }


def _record(db_url: str) -> None:
    upgrade(db_url)
    rows = [
        _row("A1", "collector", "li", "2026-11-30T09:10:00+08:00", 2),
        _row("A2", "collector", "li", "2026-11-30T09:00:00+08:00", 1, reason="promise due today"),
        _row("A3", "collector", "ann", "2026-11-30T01:05:00+00:00", 1),  # 09:05 in Shanghai
        _row("A4", "collector", "ann", None, None, reason="new case; no free slot"),
        _row("A5", "overflow", None, None, None, overflow_to="robot-overflow", p=10),
        _row("A6", "agency", "ag1", None, None),
    ]
    with get_engine(db_url).begin() as conn:
        replace_day(conn, DAY, rows)


def test_worklist_rows_are_the_contract_in_slot_order(cli: Cli, db_url: str) -> None:
    _record(db_url)
    result = cli("worklist", "--date", DAY, "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["account_id"] for r in rows] == ["A2", "A3", "A1"]
    assert rows[0] == {
        "collector": "li",
        "position": 1,
        "account_id": "A2",
        "slot": "2026-11-30T09:00:00+08:00",
        "priority": 50,
        "reason": "promise due today",
    }
    li = json.loads(cli("worklist", "--date", DAY, "--collector", "li", "--json").stdout)
    assert [r["account_id"] for r in li] == ["A2", "A1"]
    listed = json.loads(cli("worklist", "--date", DAY, "--overflow", "--json").stdout)
    assert {r["account_id"]: r["outcome"] for r in listed} == {"A4": "unslotted", "A5": "overflow"}
    assert json.loads(cli("worklist", "--date", "2026-12-01", "--json").stdout) == []


def test_worklist_refuses_bad_input(cli: Cli, db_url: str) -> None:
    _record(db_url)
    found = assert_refused(cli("worklist", "--date", "2026-02-30", "--json"))
    assert found[0]["file"] == "--date"
    found = assert_refused(cli("worklist", "--date", DAY, "--overflow", "--collector", "li"))
    assert "--overflow" in found[0]["message"]


def test_the_demo_shows_the_busiest_collector_and_the_overflow_count(
    db_url: str, tmp_path: Path, monkeypatch: object
) -> None:
    _record(db_url)
    monkeypatch.setenv("ARREARS_DATABASE_URL", db_url)  # type: ignore[attr-defined]
    monkeypatch.setenv("ARREARS_HOME", str(tmp_path / "home"))  # type: ignore[attr-defined]
    from flows.demo_worklist import show_worklist

    lines: list[str] = []
    show_worklist(DAY, echo=lines.append)
    assert lines[0].startswith("Worklist of li on 2026-11-30 (2 slots")
    assert "A2" in lines[1] and "A1" in lines[2]
    assert lines[-1].startswith("Overflow: 1 cases to the robot queue, 1 without a lawful slot, 0 unplaced")
