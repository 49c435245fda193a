"""System of record through the CLI: schema, imports (idempotent, all-or-nothing), tamper evidence."""

from __future__ import annotations

import json
from pathlib import Path

import record_fixtures as rf
from record_fixtures import AT, Cli, seed
from sqlalchemy import func, select, text

from engine.store.db import get_engine, head_revision
from engine.store.models import AccountRow, ContactHistoryRow
from flows.synthetic import write_portfolio

db_url, cli = rf.db_url, rf.cli


def _count(url: str, model: type) -> int:
    with get_engine(url).connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def test_db_upgrade_creates_then_is_a_no_op(cli: Cli) -> None:
    first = cli("db", "upgrade", "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["before"] is None
    again = json.loads(cli("db", "upgrade", "--json").stdout)
    assert again["before"] == again["after"] == head_revision()


def test_imports_are_idempotent(cli: Cli, db_url: str, tmp_path: Path) -> None:
    accounts, history = write_portfolio(tmp_path / "pf", 200, AT)
    for _ in range(2):
        assert cli("import", "accounts", str(accounts)).returncode == 0
        assert cli("import", "history", str(history)).returncode == 0
    lines = sum(1 for _ in history.open())
    assert _count(db_url, AccountRow) == 200
    assert _count(db_url, ContactHistoryRow) <= lines
    # the same instant written with another offset is the same contact
    entry = json.loads(history.open().readline())
    from datetime import datetime, timedelta, timezone

    shifted = datetime.fromisoformat(entry["at"]).astimezone(timezone(timedelta(hours=8))).isoformat()
    again = tmp_path / "again.jsonl"
    again.write_text(json.dumps({**entry, "at": shifted}) + "\n")
    before = _count(db_url, ContactHistoryRow)
    assert cli("import", "history", str(again)).returncode == 0
    assert _count(db_url, ContactHistoryRow) == before


def test_bad_line_writes_nothing_and_names_the_line(cli: Cli, db_url: str, tmp_path: Path) -> None:
    accounts, _ = write_portfolio(tmp_path / "pf", 50, AT)
    lines = accounts.read_text().splitlines()
    lines.insert(30, json.dumps({"account_id": "X-1", "debtor_id": "D", "jurisdiction": "FR", "balance": 1, "dpd": 1}))
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n")
    result = cli("import", "accounts", str(bad))
    assert result.returncode == 2
    assert f"{bad}:31:" in result.stderr and "jurisdiction" in result.stderr
    assert "Traceback" not in result.stderr
    assert _count(db_url, AccountRow) == 0


def _tamper(url: str, sql: str) -> None:
    with get_engine(url).begin() as conn:
        conn.execute(text(sql))


def test_verify_names_an_edited_playbook_version(cli: Cli, db_url: str, tmp_path: Path) -> None:
    seed(db_url, tmp_path / "pf", n=20)
    ok = cli("audit", "verify", "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["intact"] is True
    _tamper(db_url, "UPDATE playbook_versions SET author = 'mallory'")
    broken = cli("audit", "verify", "--json")
    assert broken.returncode == 1
    report = json.loads(broken.stdout)
    assert report["chain"] == "playbook_versions" and report["seq"] == 1
    plain = cli("audit", "verify")
    assert plain.returncode == 1 and "playbook_versions #1" in plain.stderr


def test_verify_names_a_removed_audit_record(cli: Cli, db_url: str, tmp_path: Path) -> None:
    seed(db_url, tmp_path / "pf", n=20)
    _tamper(db_url, "DELETE FROM audit_log WHERE chain_seq = 1")
    result = cli("audit", "verify", "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["chain"] == "audit_log" and report["seq"] == 1 and "missing" in report["reason"]
    _tamper(db_url, "DELETE FROM audit_log")
    tail = json.loads(cli("audit", "verify", "--json").stdout)
    assert tail["chain"] == "audit_log" and "missing" in tail["reason"]
