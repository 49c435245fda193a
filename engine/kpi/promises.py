"""The promise life cycle of the contract, evaluated from payments in SQL.

A promise is `kept` once payments made at or after its `made_at` add up to its amount by
`due` + grace days (its *keeping day* is the date of the payment that reaches the amount);
`broken` on the day after `due` + grace if not kept. The promise's stored `state` is not
read: payments are the evidence. Decisions use the same life cycle in Python
(`engine.contracts.promises`, with the deciding playbook's grace days); `latest_promises`
is its SQL twin, which the tests hold the Python one to.

Grace days are per account (`engine.kpi.grace`): those of the playbook version of the
decision that puts the account in its KPI group, as the decision itself uses them. Every
query below takes them as a `graces` subquery (account_id, grace_days) and adds them to each
promise's `due` in SQL (`plus_days` with a column), so a promise paid on due + 1 under a
2-day grace is kept in the KPIs as in the decision.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Subquery, and_, func, select

from engine.kpi.grace import account_graces
from engine.kpi.scope import scope
from engine.kpi.sql import next_day, plus_days, shift
from engine.store.models import Payment, Promise
from engine.store.money import units


def keeping_days(conn: Connection, graces: Subquery, *where: Any) -> Subquery:
    """(promise id, account_id, keeping day) of every kept promise (of those `where` selects)
    of the accounts of `graces`, each kept by its `due` + the account's grace days."""
    p, y = Promise.__table__, Payment.__table__
    dialect = conn.dialect.name
    deadline = plus_days(dialect, p.c.due_date, graces.c.grace_days + 1)
    running = (
        select(
            p.c.id.label("promise_id"),
            p.c.account_id,
            units(dialect, p.c.amount).label("amount_units"),
            y.c.paid_at,
            func.sum(units(dialect, y.c.amount))
            .over(partition_by=p.c.id, order_by=(y.c.paid_at, y.c.id))
            .label("paid_units"),
        )
        .select_from(
            p.join(graces, graces.c.account_id == p.c.account_id).join(
                y, and_(y.c.account_id == p.c.account_id, y.c.paid_at >= p.c.made_at)
            )
        )
        .where(y.c.paid_at < deadline, *where)
        .subquery("running")
    )
    return (
        select(
            running.c.promise_id,
            running.c.account_id,
            func.substr(func.min(running.c.paid_at), 1, 10).label("kept_on"),
        )
        .where(running.c.paid_units >= running.c.amount_units)
        .group_by(running.c.promise_id, running.c.account_id)
        .subquery("keeping")
    )


def kept_in(conn: Connection, frm: str, to: str, graces: Subquery) -> Subquery:
    """account_id → promises kept with a keeping day in [frm, to]."""
    keeping = keeping_days(conn, graces)
    return (
        select(keeping.c.account_id, func.count().label("n"))
        .where(keeping.c.kept_on.between(frm, to))
        .group_by(keeping.c.account_id)
        .subquery("kept")
    )


def broken_in(conn: Connection, frm: str, to: str, graces: Subquery) -> Subquery:
    """account_id → promises broken in [frm, to]: due + the account's grace + 1 in range, never kept."""
    p = Promise.__table__
    keeping = keeping_days(conn, graces)
    broken_on = plus_days(conn.dialect.name, p.c.due_date, graces.c.grace_days + 1)
    return (
        select(p.c.account_id, func.count().label("n"))
        .select_from(
            p.join(graces, graces.c.account_id == p.c.account_id).outerjoin(
                keeping, keeping.c.promise_id == p.c.id
            )
        )
        .where(keeping.c.promise_id.is_(None), broken_on.between(frm, to))
        .group_by(p.c.account_id)
        .subquery("broken")
    )


def made_in(frm: str, to_next: str) -> Subquery:
    """account_id → promises made in [frm, to]."""
    p = Promise.__table__
    return (
        select(p.c.account_id, func.count().label("n"))
        .where(p.c.made_at >= frm, p.c.made_at < to_next)
        .group_by(p.c.account_id)
        .subquery("made")
    )


def state_on(day: str, due: str, kept_on: str | None, grace_days: int) -> str:
    """The contract's state of a promise on `day`: kept, broken (the day after due + grace) or active."""
    if kept_on is not None and kept_on <= day:
        return "kept"
    return "broken" if day > shift(due, grace_days) else "active"


def latest_promises(
    conn: Connection, day: str, *where: Any, grace_days: int | None = None
) -> dict[str, dict[str, Any]]:
    """account_id → the decision's `promise` object (`promise_id`, `state`, `due`, `amount`) of
    the account's latest promise made by `day` (latest `made_at`, then latest recorded), for
    the accounts in scope on `day`, each with its deciding playbook's grace days (or
    `grace_days` for all when given).

    `where` selects the promises (e.g. a chunk's key range on `Promise.account_id`).
    """
    p = Promise.__table__
    graces = account_graces(conn, scope(day, day), grace_days)
    keeping = keeping_days(conn, graces, *where)
    rows = conn.execute(
        select(
            p.c.account_id, p.c.promise_id, p.c.id, p.c.due_date, p.c.amount, keeping.c.kept_on, graces.c.grace_days
        )
        .select_from(
            p.join(graces, graces.c.account_id == p.c.account_id).outerjoin(
                keeping, keeping.c.promise_id == p.c.id
            )
        )
        .where(p.c.made_at < next_day(day), *where)
        .order_by(p.c.account_id, p.c.made_at, p.c.id)
    )
    latest: dict[str, dict[str, Any]] = {}
    for account_id, promise_id, row_id, due, amount, kept_on, grace in rows:
        latest[account_id] = {
            "promise_id": promise_id if promise_id is not None else str(row_id),
            "state": state_on(day, due, kept_on, int(grace)),
            "due": due,
            "amount": amount,
        }
    return latest
