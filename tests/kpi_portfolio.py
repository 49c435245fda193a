"""A small hand-computed portfolio for the KPI golden tests, written straight into the record.

Three business days D1..D3 (2026-01-05..07). The daily run decides at dawn, before the day's
payments arrive: each day's snapshot balance is the balance after the payments of earlier days.

| acct | jur | D1 (bal, dpd, stage/queue) | D2                 | D3                  | payments            |
|------|-----|----------------------------|--------------------|---------------------|---------------------|
| A1   | CN  | 1000.00 10 early/early     | 1000.00 11 early/late | 700.00 12 early/late | 300.00 D2 09:00  |
| A2   | CN  | 500.00 29 early/early      | 400.00 30 early/early | 400.00 31 early/early | 100.00 D1 12:00, 100.00 D3 |
| A3   | UK  | 250.00 95 late/late        | 0.00 95 null (paid)   | 0.00 95 null (paid)   | 250.00 D1 15:00  |
| A4   | CN  | —                          | 2000.00 61 late/late  | 2000.00 62 late/late  | 50.25 D1, 100.00 D4 |
| A5   | CN  | 80.00 5 null (out of scope)| 80.00 6 null          | 80.00 7 null          | —                |
| A6   | CN  | 300.00 40 mid/early        | 300.00 41 mid/early   | 100.00 0 mid/early    | 200.00 D2 14:00  |

Promises (amount, made_at, due):
P1 A1 300.00 made D1 10:00 due D2 → 300.00 paid D2 → kept on D2 (paid on the due date)
P2 A2 200.00 made D1 10:00 due D1 → 100.00 D1 (partial), 100.00 D3 → grace 0: broken on D2;
   grace 2: kept on D3 (due + 2 = D3)
P3 A3 250.00 made 2025-12-30 due D2 → 250.00 D1 → kept on D1 (made before the range)
P4 A4 100.00 made D2 08:00 due D2 → the D1 payment is before made_at; 100.00 on D4 is after
   due + 0 → grace 0: broken on D3; grace 2: kept on D4 (outside the range): neither
P6 A6 150.00 made D2 10:00 due D3 → 200.00 D2 14:00 → kept on D2 (before due)

Outbox rows: A1 D1, A2 D2, A5 D1 (out of scope), A6 D4 (outside the range).
History: A1 conversation/debtor D1; A2 conversation/third_party D1; A3 conversation, party
absent (debtor by default) D1; A6 no_answer D2; A4 conversation/debtor D4 (outside).
"""

from __future__ import annotations

import json
from itertools import count

from sqlalchemy import Engine, insert, update

from engine.kpi.daily import compute_and_store_kpis
from engine.store.models import (
    AccountRow,
    ContactHistoryRow,
    DecisionRow,
    FlowRunRow,
    OutboxContact,
    OutboxDispatch,
    Payment,
    Promise,
)

D1, D2, D3, D4 = "2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08"
JURISDICTION = {"A1": "CN", "A2": "CN", "A3": "UK", "A4": "CN", "A5": "CN", "A6": "CN"}
# day → account → (balance, dpd, stage, queue)
DAYS: dict[str, dict[str, tuple[str, int, str | None, str | None]]] = {
    D1: {
        "A1": ("1000.00", 10, "early", "early"),
        "A2": ("500.00", 29, "early", "early"),
        "A3": ("250.00", 95, "late", "late"),
        "A5": ("80.00", 5, None, None),
        "A6": ("300.00", 40, "mid", "early"),
    },
    D2: {
        "A1": ("1000.00", 11, "early", "late"),
        "A2": ("400.00", 30, "early", "early"),
        "A3": ("0.00", 95, None, None),
        "A4": ("2000.00", 61, "late", "late"),
        "A5": ("80.00", 6, None, None),
        "A6": ("300.00", 41, "mid", "early"),
    },
    D3: {
        "A1": ("700.00", 12, "early", "late"),
        "A2": ("400.00", 31, "early", "early"),
        "A3": ("0.00", 95, None, None),
        "A4": ("2000.00", 62, "late", "late"),
        "A5": ("80.00", 7, None, None),
        "A6": ("100.00", 0, "mid", "early"),
    },
}
PAYMENTS = [
    ("A1", f"{D2}T09:00:00+00:00", "300.00"),
    ("A2", f"{D1}T12:00:00+00:00", "100.00"),
    ("A2", f"{D3}T11:00:00+00:00", "100.00"),
    ("A3", f"{D1}T15:00:00+00:00", "250.00"),
    ("A4", f"{D1}T10:00:00+00:00", "50.25"),
    ("A4", f"{D4}T10:00:00+00:00", "100.00"),
    ("A6", f"{D2}T14:00:00+00:00", "200.00"),
]
PROMISES = [
    ("A1", f"{D1}T10:00:00+00:00", D2, "300.00"),
    ("A2", f"{D1}T10:00:00+00:00", D1, "200.00"),
    ("A3", "2025-12-30T10:00:00+00:00", D2, "250.00"),
    ("A4", f"{D2}T08:00:00+00:00", D2, "100.00"),
    ("A6", f"{D2}T10:00:00+00:00", D3, "150.00"),
]
OUTBOX = [("A1", D1), ("A2", D2), ("A5", D1), ("A6", D4)]
HISTORY = [
    ("A1", D1, {"outcome": "conversation", "party": "debtor"}),
    ("A2", D1, {"outcome": "conversation", "party": "third_party"}),
    ("A3", D1, {"outcome": "conversation"}),
    ("A6", D2, {"outcome": "no_answer", "party": "debtor"}),
    ("A4", D4, {"outcome": "conversation", "party": "debtor"}),
]
_seq = count(1)


def _chain() -> dict[str, object]:
    n = next(_seq)
    return {"chain_seq": n, "prev_hash": "0" * 64, "row_hash": f"{n:064d}"}


def _account(account_id: str, balance: str, dpd: int) -> dict[str, object]:
    return {
        "account_id": account_id,
        "debtor_id": "D-" + account_id,
        "jurisdiction": JURISDICTION[account_id],
        "product": "credit_card",
        "balance": balance,
        "dpd": dpd,
        "facts": json.dumps({"currency": "CNY"}),
        "facts_sha256": "0" * 64,
        "updated_at": "2026-01-01T00:00:00+00:00",
    }


NOT_STORED = {"name": "cn-credit-card", "version": "3", "sha256": "f" * 64}  # a version the record lacks: grace 0


def _decision(
    day: str, account_id: str, stage: str | None, queue: str | None, playbook: dict[str, str] = NOT_STORED
) -> dict[str, object]:
    doc = {
        "account_id": account_id,
        "playbook": playbook,
        "stage": stage,
        "assignment": {"kind": "robot" if queue else "none", "queue": queue},
        "actions": [],
    }
    return {
        "flow_run_id": f"run-{day}",
        "business_date": day,
        "account_id": account_id,
        "playbook_sha256": playbook["sha256"],
        "stage": stage,
        "fired_rules": "[]",
        "facts_digest": "0" * 64,
        "decision": json.dumps(doc),
        "decision_sha256": "0" * 64,
        "decided_at": f"{day}T01:00:00+00:00",
        **_chain(),
    }


def write_facts(engine: Engine) -> None:
    """Accounts, payments, promises, outbox rows and history (everything but the days)."""
    with engine.begin() as conn:
        conn.execute(insert(AccountRow), [_account(a, "0.00", 0) for a in JURISDICTION])
        conn.execute(
            insert(Payment),
            [{"account_id": a, "paid_at": at, "amount": amt, "currency": "CNY"} for a, at, amt in PAYMENTS],
        )
        conn.execute(
            insert(Promise),
            [{"account_id": a, "made_at": m, "due_date": due, "amount": amt} for a, m, due, amt in PROMISES],
        )
        conn.execute(insert(OutboxContact), [_outbox(a, day) for a, day in OUTBOX])
        conn.execute(  # every contact of the portfolio reached the dispatcher
            insert(OutboxDispatch),
            [
                {"idempotency_key": f"{a}|{day}|reminder", "business_date": day, "account_id": a,
                 "dispatched_at": f"{day}T02:00:05+00:00", "attempts": 1}
                for a, day in OUTBOX
            ],
        )
        conn.execute(
            insert(ContactHistoryRow),
            [
                {"account_id": a, "at": f"{day}T08:00:00+00:00", "channel": "call", "body": json.dumps(body),
                 "imported_at": f"{day}T09:00:00+00:00"}
                for a, day, body in HISTORY
            ],
        )


def _outbox(account_id: str, day: str) -> dict[str, object]:
    return {
        "idempotency_key": f"{account_id}|{day}|reminder",
        "account_id": account_id,
        "business_date": day,
        "treatment": "reminder",
        "channel": "sms",
        "at": f"{day}T02:00:00+00:00",
        "template": None,
        "action": "{}",
        "playbook_sha256": "f" * 64,
        "flow_run_id": f"run-{day}",
        "created_at": f"{day}T01:00:00+00:00",
        **_chain(),
    }


def _run(day: str) -> dict[str, object]:
    return {"flow_run_id": f"run-{day}", "name": day, "flow_name": "daily-strategy-run", "business_date": day,
            "state": "COMPLETED", "started": f"{day}T01:00:00+00:00", "parameters": "{}", "playbooks": "[]"}


def run_day(engine: Engine, day: str) -> list[dict[str, object]]:
    """Set the accounts as of `day`, write that day's decisions, then the daily KPI step."""
    a = AccountRow.__table__
    with engine.begin() as conn:
        conn.execute(insert(FlowRunRow), [_run(day)])
        for account_id, (balance, dpd, _, _) in DAYS[day].items():
            conn.execute(update(a).where(a.c.account_id == account_id).values(balance=balance, dpd=dpd))
        conn.execute(insert(DecisionRow), [_decision(day, acc, s, q) for acc, (_, _, s, q) in DAYS[day].items()])
    return compute_and_store_kpis(engine, day)


def build(engine: Engine) -> None:
    write_facts(engine)
    for day in (D1, D2, D3):
        run_day(engine, day)


# Grace days per playbook (`build_graced`): two CN accounts decided by the stored CN playbook
# (grace 1), two US accounts by the stored US playbook (grace 2); each 1000.00 owed on D1..D3,
# stage early, queue q; one promise of 100.00 each, made 2026-01-02, and one payment of 100.00.
# G1 US due D1, paid D3 = due + 2: inside the grace → kept on D3 (grace 0: broken on D2).
# G2 US due 01-04, paid D3 = due + 3: after it → broken on D3 = due + 2 + 1 (grace 0: on D1).
# G3 CN due D1, paid D2 = due + 1: inside the grace → kept on D2 (grace 0: broken on D2).
# G4 CN due D1, paid D3 = due + 2: after it → broken on D3 = due + 1 + 1 (grace 0: on D2).
GRACED = {  # account → (jurisdiction, currency, due, paid on)
    "G1": ("US", "USD", D1, D3),
    "G2": ("US", "USD", "2026-01-04", D3),
    "G3": ("CN", "CNY", D1, D2),
    "G4": ("CN", "CNY", D1, D3),
}


def build_graced(engine: Engine) -> None:
    """The grace-days portfolio: the shipped CN and US playbooks stored (activated, as the daily
    run's versions are), decisions naming them, then the daily KPI step of D1..D3."""
    from pathlib import Path

    from engine.store.playbooks import activate

    shipped = Path(__file__).resolve().parent.parent / "playbooks"
    identity = {j: activate(engine, shipped / f, "strategist")[0]
                for j, f in (("CN", "cn-credit-card.yaml"), ("US", "us-consumer-loans.yaml"))}  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(AccountRow), [_account_row(a, j, c) for a, (j, c, _, _) in GRACED.items()])
        conn.execute(insert(Payment), [
            {"account_id": a, "paid_at": f"{paid}T10:00:00+00:00", "amount": "100.00", "currency": currency}
            for a, (_, currency, _, paid) in GRACED.items()
        ])  # fmt: skip
        conn.execute(insert(Promise), [
            {"account_id": a, "made_at": "2026-01-02T10:00:00+00:00", "due_date": due, "amount": "100.00"}
            for a, (_, _, due, _) in GRACED.items()
        ])  # fmt: skip
    for day in (D1, D2, D3):
        with engine.begin() as conn:
            conn.execute(insert(FlowRunRow), [_run(day)])
            conn.execute(insert(DecisionRow), [
                _decision(day, a, "early", "q", identity[j]) for a, (j, _, _, _) in GRACED.items()
            ])  # fmt: skip
        compute_and_store_kpis(engine, day)


def _account_row(account_id: str, jurisdiction: str, currency: str) -> dict[str, object]:
    return {"account_id": account_id, "debtor_id": "D-" + account_id, "jurisdiction": jurisdiction,
            "product": "personal_loan" if jurisdiction == "US" else "credit_card", "balance": "1000.00", "dpd": 30,
            "facts": json.dumps({"currency": currency}), "facts_sha256": "0" * 64,
            "updated_at": "2026-01-01T00:00:00+00:00"}  # fmt: skip
