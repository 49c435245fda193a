"""The daily run's compliance gate counts per-debtor limits across all the debtor's accounts,
even when those accounts fall in different chunks."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from record_fixtures import CN_PLAYBOOK
from sqlalchemy import select

from emergency.guard import hold_for_emergencies
from engine.run.daily import chunk_bounds, process_chunk
from engine.store.db import get_engine, upgrade
from engine.store.imports import import_accounts, import_history
from engine.store.models import DecisionRow
from engine.store.playbooks import activate, approve, loaded_in_force

DAY = date(2026, 11, 30)


def _account(account_id: str) -> dict:
    return {
        "account_id": account_id,
        "debtor_id": "D-shared",
        "jurisdiction": "CN",
        "product": "credit_card",
        "currency": "CNY",
        "balance": "3000",
        "dpd": 45,
        "timezone": "Asia/Shanghai",
        "phones": [{"number": "+8613800138000", "owner": "debtor"}],
    }


def _run(tmp_path: Path, conversations: int, monkeypatch) -> dict:
    monkeypatch.setenv("ARREARS_RUN_LOCAL_TIME", "15:00")
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(url)
    engine = get_engine(url)
    accounts, history = tmp_path / "a.jsonl", tmp_path / "h.jsonl"
    accounts.write_text("".join(json.dumps(_account(i)) + "\n" for i in ("CN-A", "CN-B")))
    history.write_text(
        "".join(
            json.dumps(
                {
                    "account_id": "CN-A",
                    "at": f"2026-11-30T{9 + i:02d}:30:00+08:00",
                    "channel": "call",
                    "outcome": "conversation",
                    "recorded": True,
                    "by": "collector-007",
                }
            )
            + "\n"
            for i in range(conversations)
        )
    )
    import_accounts(engine, accounts)
    import_history(engine, history)
    identity, _ = activate(engine, CN_PLAYBOOK, "strategist")
    approve(engine, identity["sha256"], "risk-officer")
    playbooks = loaded_in_force(engine, None)
    bounds = chunk_bounds(engine, {"CN"}, 1)
    assert len(bounds) == 2  # the two accounts are decided in different chunks
    for lo, hi in bounds:
        process_chunk(engine, playbooks, lo, hi, DAY, "run-1", hold_for_emergencies)
    with engine.connect() as conn:
        text = conn.execute(select(DecisionRow.decision).where(DecisionRow.account_id == "CN-B")).scalar_one()
    return json.loads(text)


def _call_at(decision: dict) -> str:
    (call,) = [a for a in decision["actions"] if a["channel"] == "call"]
    return call["at"]


def test_conversations_on_one_account_count_against_the_debtors_other_account(tmp_path, monkeypatch) -> None:
    decision = _run(tmp_path, 3, monkeypatch)
    assert _call_at(decision).startswith("2026-12-01T09:00"), decision["explanation"]
    assert any("CN.CBA.CONNECTED_CALLS_PER_DAY" in line for line in decision["explanation"])


def test_below_the_limit_the_call_stays_today(tmp_path, monkeypatch) -> None:
    decision = _run(tmp_path, 2, monkeypatch)
    assert _call_at(decision) == "2026-11-30T15:00:00+08:00", decision["explanation"]
