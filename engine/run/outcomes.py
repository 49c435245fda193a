"""A chunk's promises to pay and payments, read from the record for the daily run.

Two set-based queries per chunk (its key range of account ids), never one per account. The
evaluator turns them into each account's promise facts and `promise` object with the grace
days of the playbook version that decides the account (`engine.contracts.promises`).
Promises are kept in recording order (made_at, then row id), so "the latest" breaks ties as
`engine.kpi.promises.latest_promises` does.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, and_, select

from engine.contracts.promises import Outcomes, PaymentRecord, PromiseRecord
from engine.store.models import Payment, Promise


def in_range(column: Any, lo: str, hi: str | None) -> Any:
    """A chunk's account range `[lo, hi)` (`hi` None: to the end), as the daily run reads it."""
    return and_(column >= lo, column < hi) if hi is not None else column >= lo


def load_outcomes(engine: Engine, lo: str, hi: str | None) -> dict[str, Outcomes]:
    """account_id → its promises and payments, for the accounts in `[lo, hi)`."""
    p, y = Promise.__table__, Payment.__table__
    promises: dict[str, list[PromiseRecord]] = {}
    payments: dict[str, list[PaymentRecord]] = {}
    with engine.connect() as conn:
        for account_id, promise_id, row_id, made_at, due, amount in conn.execute(
            select(p.c.account_id, p.c.promise_id, p.c.id, p.c.made_at, p.c.due_date, p.c.amount)
            .where(in_range(p.c.account_id, lo, hi))
            .order_by(p.c.account_id, p.c.made_at, p.c.id)
        ):
            record = PromiseRecord(
                promise_id if promise_id is not None else str(row_id),
                datetime.fromisoformat(made_at),
                date.fromisoformat(due),
                Decimal(amount),
            )
            promises.setdefault(account_id, []).append(record)
        for account_id, paid_at, amount in conn.execute(
            select(y.c.account_id, y.c.paid_at, y.c.amount)
            .where(in_range(y.c.account_id, lo, hi))
            .order_by(y.c.account_id, y.c.paid_at, y.c.id)
        ):
            payments.setdefault(account_id, []).append(PaymentRecord(datetime.fromisoformat(paid_at), Decimal(amount)))
    return {
        account_id: Outcomes(tuple(promises.get(account_id, ())), tuple(payments.get(account_id, ())))
        for account_id in promises.keys() | payments.keys()
    }
