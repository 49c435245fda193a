"""`arrears import …` says what happened, through the real CLI: new records, records updated,
and lines already on the record, so a re-import that changes nothing never reads as an import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import record_fixtures as rf
from record_fixtures import Cli

db_url, cli = rf.db_url, rf.cli


def _account(aid: str, balance: str = "1000.00") -> dict[str, Any]:
    return {"account_id": aid, "debtor_id": f"D{aid}", "jurisdiction": "CN", "product": "credit_card",
            "currency": "CNY", "balance": balance, "dpd": 10}  # fmt: skip


def _history(aid: str, outcome: str = "no_answer") -> dict[str, Any]:
    return {"account_id": aid, "at": "2026-11-20T10:00:00+08:00", "channel": "call", "outcome": outcome}


def _payment(pid: str, aid: str = "A1") -> dict[str, Any]:
    return {"payment_id": pid, "account_id": aid, "at": "2026-11-20T10:00:00+08:00", "amount": "10.00",
            "currency": "CNY"}  # fmt: skip


def _promise(pid: str, aid: str = "A1") -> dict[str, Any]:
    return {"promise_id": pid, "account_id": aid, "made_at": "2026-11-20T10:00:00+08:00", "amount": "300.00",
            "due": "2026-11-25", "by": "agent-7"}  # fmt: skip


def _file(tmp_path: Path, name: str, rows: list[dict[str, Any]]) -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _twice(cli: Cli, kind: str, path: Path) -> tuple[str, dict[str, Any], str, dict[str, Any]]:
    first = cli("import", kind, str(path), "--json")
    again = cli("import", kind, str(path))
    again_json = cli("import", kind, str(path), "--json")
    for result in (first, again, again_json):
        assert result.returncode == 0, result.stderr
    return first.stdout, json.loads(first.stdout), again.stdout.strip(), json.loads(again_json.stdout)


@pytest.mark.parametrize(
    ("kind", "rows", "noun", "rest"),
    [
        ("payments", [_payment("P1")], "payment", "already recorded"),
        ("promises", [_promise("R1"), _promise("R2")], "promise", "already recorded"),
        ("history", [_history("A1")], "history line", "unchanged"),
    ],
)
def test_reimport_that_changes_nothing_says_so(
    cli: Cli, tmp_path: Path, kind: str, rows: list[dict[str, Any]], noun: str, rest: str
) -> None:
    assert cli("import", "accounts", str(_file(tmp_path, "a.jsonl", [_account("A1")]))).returncode == 0
    path = _file(tmp_path, f"{kind}.jsonl", rows)
    _, first, again, again_json = _twice(cli, kind, path)
    n = len(rows)
    assert (first["records"], first["new"], first["unchanged"]) == (n, n, 0)
    assert (again_json["records"], again_json["new"], again_json["updated"], again_json["unchanged"]) == (n, 0, 0, n)
    tail = f"{n} already recorded" if rest == "already recorded" else f"0 updated, {n} unchanged"
    assert again == f"{path}: 0 new {noun}s, {tail}"


def test_accounts_new_updated_and_unchanged_are_told_apart(cli: Cli, tmp_path: Path) -> None:
    first = _file(tmp_path, "a.jsonl", [_account("A1"), _account("A2")])
    assert json.loads(cli("import", "accounts", str(first), "--json").stdout)["new"] == 2
    second = _file(tmp_path, "b.jsonl", [_account("A1"), _account("A2", "2000.00"), _account("A3")])
    result = cli("import", "accounts", str(second))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{second}: 1 new account, 1 updated, 1 unchanged"


def test_history_line_with_a_new_outcome_is_an_update(cli: Cli, tmp_path: Path) -> None:
    assert cli("import", "accounts", str(_file(tmp_path, "a.jsonl", [_account("A1")]))).returncode == 0
    assert cli("import", "history", str(_file(tmp_path, "h.jsonl", [_history("A1")]))).returncode == 0
    changed = _file(tmp_path, "h2.jsonl", [_history("A1", "conversation")])
    result = json.loads(cli("import", "history", str(changed), "--json").stdout)
    assert (result["new"], result["updated"], result["unchanged"]) == (0, 1, 0)


def test_payments_half_new_half_known(cli: Cli, tmp_path: Path) -> None:
    assert cli("import", "accounts", str(_file(tmp_path, "a.jsonl", [_account("A1")]))).returncode == 0
    assert cli("import", "payments", str(_file(tmp_path, "p.jsonl", [_payment("P1")]))).returncode == 0
    both = _file(tmp_path, "q.jsonl", [_payment("P1"), _payment("P2")])
    result = cli("import", "payments", str(both))
    assert result.stdout.strip() == f"{both}: 1 new payment, 1 already recorded"
