"""The daily run decides on what payments and promises put on the record: a paid account
leaves collection, and each decision carries its account's latest promise in the state the
contract's life cycle gives it on the business date (worked out by hand below)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from record_fixtures import CN_PLAYBOOK
from sqlalchemy import select

from emergency.guard import hold_for_emergencies
from engine.run.daily import chunk_bounds, process_chunk
from engine.store.db import get_engine, upgrade
from engine.store.imports import import_accounts
from engine.store.models import DecisionRow
from engine.store.outcomes import import_payments, import_promises
from engine.store.playbooks import activate, approve, loaded_in_force

DAY = date(2026, 11, 30)
IDS = ("CN-PAID", "CN-KEPT", "CN-BROKEN", "CN-ACTIVE", "CN-PARTIAL", "CN-NONE")
PAYMENTS = [  # (payment id, account, at, amount)
    ("Y1", "CN-PAID", "2026-11-20T10:00:00+08:00", "500"),
    ("Y2", "CN-KEPT", "2026-11-22T10:00:00+08:00", "300"),
    ("Y3", "CN-PARTIAL", "2026-11-26T10:00:00+08:00", "100"),
    ("Y4", "CN-BROKEN", "2026-11-19T10:00:00+08:00", "300"),  # before the promise: does not keep it
]
PROMISES = [  # (promise id, account, made, due)
    ("R1", "CN-KEPT", "2026-11-21T10:00:00+08:00", "2026-11-25"),
    ("R2", "CN-BROKEN", "2026-11-20T10:00:00+08:00", "2026-11-25"),
    ("R3", "CN-ACTIVE", "2026-11-28T10:00:00+08:00", "2026-12-05"),
    ("R0", "CN-PARTIAL", "2026-11-10T10:00:00+08:00", "2026-11-15"),  # older: not the latest
    ("R4", "CN-PARTIAL", "2026-11-25T10:00:00+08:00", "2026-12-02"),
    ("R9", "CN-NONE", "2026-12-01T10:00:00+08:00", "2026-12-05"),  # made after the business date
]


def _account(account_id: str) -> dict[str, Any]:
    return {"account_id": account_id, "debtor_id": "D-" + account_id, "jurisdiction": "CN", "product": "credit_card",
            "currency": "CNY", "balance": "500", "dpd": 45, "timezone": "Asia/Shanghai",
            "phones": [{"number": "+8613800138000", "owner": "debtor"}]}  # fmt: skip


def _lines(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _decisions(tmp_path: Path, monkeypatch: Any) -> dict[str, dict[str, Any]]:
    monkeypatch.setenv("ARREARS_RUN_LOCAL_TIME", "15:00")
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(url)
    engine = get_engine(url)
    import_accounts(engine, _lines(tmp_path / "a.jsonl", [_account(i) for i in IDS]))
    pays = [{"payment_id": p, "account_id": a, "at": at, "amount": amt, "currency": "CNY"}
            for p, a, at, amt in PAYMENTS]  # fmt: skip
    import_payments(engine, _lines(tmp_path / "p.jsonl", pays))
    promises = [{"promise_id": p, "account_id": a, "made_at": m, "amount": "300", "due": d, "by": "agent-1"}
                for p, a, m, d in PROMISES]  # fmt: skip
    import_promises(engine, _lines(tmp_path / "pr.jsonl", promises))
    identity, _ = activate(engine, CN_PLAYBOOK, "strategist")
    approve(engine, identity["sha256"], "risk-officer")
    for lo, hi in chunk_bounds(engine, {"CN"}, 1000):
        process_chunk(engine, loaded_in_force(engine, None), lo, hi, DAY, "run-1", hold_for_emergencies)
    with engine.connect() as conn:
        rows = conn.execute(select(DecisionRow.account_id, DecisionRow.decision)).all()
    return {a: json.loads(text) for a, text in rows}


def test_the_record_drives_paid_and_promise_states(tmp_path: Path, monkeypatch: Any) -> None:
    d = _decisions(tmp_path, monkeypatch)
    paid = d["CN-PAID"]
    assert (paid["stage"], paid["resolution"], paid["actions"], paid["promise"]) == (None, "paid", [], None)

    def promise(account_id: str) -> tuple[str, str, str, str] | None:
        p = d[account_id]["promise"]
        return None if p is None else (p["promise_id"], p["state"], p["due"], p["amount"])

    assert promise("CN-KEPT") == ("R1", "kept", "2026-11-25", "300")
    assert promise("CN-BROKEN") == ("R2", "broken", "2026-11-25", "300")
    assert promise("CN-ACTIVE") == ("R3", "active", "2026-12-05", "300")
    assert promise("CN-PARTIAL") == ("R4", "active", "2026-12-02", "300")
    assert promise("CN-NONE") is None
    for account_id in IDS[1:]:  # still owing: collected as before, not resolved
        assert d[account_id]["resolution"] is None and d[account_id]["stage"] is not None
