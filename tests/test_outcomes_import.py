"""`arrears import payments|promises` through the real CLI: balances follow, idempotent by id,
all-or-nothing per file, and every bad line named with exit 2 and nothing written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import record_fixtures as rf
from record_fixtures import Cli
from sqlalchemy import func, select

from engine.store.db import get_engine
from engine.store.models import AccountRow, Payment, Promise

db_url, cli = rf.db_url, rf.cli

ACCOUNTS = [
    {"account_id": "A1", "debtor_id": "D1", "jurisdiction": "CN", "product": "credit_card", "currency": "CNY",
     "balance": "1000.00", "dpd": 10},
    {"account_id": "A2", "debtor_id": "D2", "jurisdiction": "CN", "product": "credit_card", "currency": "CNY",
     "balance": "50.00", "dpd": 40},
]  # fmt: skip


def _write(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def _pay(pid: str, account: str = "A1", amount: str = "100.00", **extra: Any) -> dict[str, Any]:
    return {"payment_id": pid, "account_id": account, "at": "2026-11-20T10:00:00+08:00", "amount": amount,
            "currency": "CNY", **extra}  # fmt: skip


def _promise(pid: str, account: str = "A1", **extra: Any) -> dict[str, Any]:
    return {"promise_id": pid, "account_id": account, "made_at": "2026-11-20T10:00:00+08:00", "amount": "300.00",
            "due": "2026-11-25", "by": "agent-7", **extra}  # fmt: skip


@pytest.fixture
def ready(cli: Cli, tmp_path: Path) -> Cli:
    assert cli("import", "accounts", str(_write(tmp_path / "a.jsonl", ACCOUNTS))).returncode == 0
    return cli


def _account(url: str, account_id: str) -> tuple[str, str | None, dict[str, Any]]:
    t = AccountRow.__table__
    with get_engine(url).connect() as conn:
        balance, credit, facts = conn.execute(
            select(t.c.balance, t.c.credit, t.c.facts).where(t.c.account_id == account_id)
        ).one()
    return balance, credit, json.loads(facts)


def _count(url: str, model: type) -> int:
    with get_engine(url).connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def test_payments_lower_the_balance_and_reimport_changes_nothing(ready: Cli, db_url: str, tmp_path: Path) -> None:
    pays = _write(tmp_path / "p.jsonl", [_pay("P1"), _pay("P2", amount="250.50"), _pay("P3", "A2", "80.00")])
    result = ready("import", "payments", str(pays), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "file": str(pays), "kind": "payments", "records": 3, "new": 3, "updated": 0, "unchanged": 0
    }
    balance, credit, facts = _account(db_url, "A1")
    assert (balance, credit, facts["balance"]) == ("649.50", None, "649.50")
    # overpayment: balance 0, never negative, the rest kept as a credit
    balance, credit, facts = _account(db_url, "A2")
    assert (balance, credit, facts["balance"]) == ("0", "30.00", "0")
    assert ready("import", "payments", str(pays)).returncode == 0
    assert _count(db_url, Payment) == 3
    assert _account(db_url, "A1")[0] == "649.50" and _account(db_url, "A2")[1] == "30.00"


def test_same_payment_id_with_other_content_is_refused(ready: Cli, db_url: str, tmp_path: Path) -> None:
    assert ready("import", "payments", str(_write(tmp_path / "p.jsonl", [_pay("P1")]))).returncode == 0
    other = _write(tmp_path / "q.jsonl", [_pay("P9"), _pay("P1", amount="99.00")])
    result = ready("import", "payments", str(other))
    assert result.returncode == 2 and f"{other}:2:" in result.stderr and "P1" in result.stderr
    assert "Traceback" not in result.stderr
    assert _count(db_url, Payment) == 1 and _account(db_url, "A1")[0] == "900.00"


@pytest.mark.parametrize(
    ("bad", "needle"),
    [
        (_pay("PX", account="NOPE"), "unknown account"),
        (_pay("PX", currency="USD"), "currency: USD but account 'A1' is in CNY"),
        (_pay("PX", amount="0"), "amount"),
        (_pay("PX", amount="-5.00"), "amount"),
        (_pay("PX", amount="1.001"), "decimal places"),
        ({k: v for k, v in _pay("PX").items() if k != "currency"}, "currency"),
        (_pay("PX", at="2026-11-20T10:00:00"), "UTC offset"),
        (_pay("PX", extra_field=1), "unknown field"),
        ("{not json", "malformed JSON"),
    ],
)
def test_a_bad_payment_line_is_named_and_nothing_is_written(
    ready: Cli, db_url: str, tmp_path: Path, bad: Any, needle: str
) -> None:
    path = _write(tmp_path / "p.jsonl", [_pay("P1"), _pay("P2", "A2", "10.00"), bad])
    result = ready("import", "payments", str(path))
    assert result.returncode == 2, result.stdout
    assert f"{path}:3:" in result.stderr and needle in result.stderr
    assert "Traceback" not in result.stderr
    assert _count(db_url, Payment) == 0
    assert _account(db_url, "A1")[0] == "1000.00" and _account(db_url, "A2")[0] == "50.00"


def test_promises_are_recorded_once(ready: Cli, db_url: str, tmp_path: Path) -> None:
    path = _write(tmp_path / "pr.jsonl", [_promise("PR1"), _promise("PR2", "A2", amount="20.00")])
    for _ in range(2):
        result = ready("import", "promises", str(path), "--json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["records"] == 2
    t = Promise.__table__
    with get_engine(db_url).connect() as conn:
        rows = conn.execute(select(t.c.promise_id, t.c.account_id, t.c.made_at, t.c.due_date, t.c.amount)).all()
    assert sorted(rows) == [
        ("PR1", "A1", "2026-11-20T02:00:00+00:00", "2026-11-25", "300.00"),
        ("PR2", "A2", "2026-11-20T02:00:00+00:00", "2026-11-25", "20.00"),
    ]
    changed = _write(tmp_path / "pr2.jsonl", [_promise("PR1", due="2026-11-26")])
    result = ready("import", "promises", str(changed))
    assert result.returncode == 2 and f"{changed}:1:" in result.stderr and "PR1" in result.stderr


@pytest.mark.parametrize(
    ("bad", "needle"),
    [
        (_promise("PX", account="NOPE"), "unknown account"),
        (_promise("PX", amount="0"), "amount"),
        (_promise("PX", amount="1.001"), "decimal places"),
        (_promise("PX", due="2026-13-01"), "due"),
        (_promise("PX", made_at="yesterday"), "made_at"),
        ({k: v for k, v in _promise("PX").items() if k != "due"}, "due"),
        (_promise("PX", currency="CNY"), "unknown field"),
    ],
)
def test_a_bad_promise_line_is_named_and_nothing_is_written(
    ready: Cli, db_url: str, tmp_path: Path, bad: Any, needle: str
) -> None:
    path = _write(tmp_path / "pr.jsonl", [_promise("PR1"), bad])
    result = ready("import", "promises", str(path))
    assert result.returncode == 2, result.stdout
    assert f"{path}:2:" in result.stderr and needle in result.stderr
    assert "Traceback" not in result.stderr
    assert _count(db_url, Promise) == 0
