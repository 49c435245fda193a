"""The contract's KPI rows over business dates [from, to], one per group (`arrears kpi`).

One statement: the accounts in scope (an in-scope decision in the range, grouped by their
first one) left-joined to one aggregate per measure, each a GROUP BY account_id subquery,
then summed per group. Definitions (contract, "KPIs and targets"), and the choices made
where the contract leaves room:

- dates of timestamps (`at`, `made_at`, `paid_at`) are their UTC dates, as stored;
- `contacted` counts outbox rows of the range (`dispatched_contacts` — the one place to switch
  to dispatched_at once the relay's `outbox_dispatch` table is merged);
- `paid`: the account's payments dated from its first decision in the range to `to` add up
  to its opening balance (the daily run decides before a day's payments arrive);
- `recovery_rate` is null when the opening balance is 0; the group of the whole portfolio
  (no `--by`) is `"all"`;
- amounts of different currencies are never added: a row is one group *and one currency*
  (`currency`, the account's, null for accounts without one), so a group whose accounts
  are in two currencies has two rows, each counting its own accounts (docs/kpi.md).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, Subquery, and_, case, func, literal, select

from engine.kpi import promises
from engine.kpi.grace import account_graces
from engine.kpi.scope import COLUMN, DIMENSIONS, scope
from engine.kpi.sql import document, json_text, next_day, rate
from engine.store.models import ContactHistoryRow, OutboxDispatch, Payment
from engine.store.money import units, units_text

FIELDS = (
    "group",
    "currency",
    "accounts",
    "contacted",
    "right_party_contacts",
    "promises_made",
    "promises_kept",
    "promises_broken",
    "collected",
    "opening_balance",
    "recovery_rate",
    "paid",
)


def dispatched_contacts(frm: str, to: str) -> Subquery:
    """Accounts with a contact of a date in [frm, to] that the relay has dispatched: a contact
    recorded in the outbox but still waiting (the dispatcher failed) has not reached anyone."""
    o = OutboxDispatch.__table__
    return (
        select(o.c.account_id)
        .where(o.c.business_date.between(frm, to), o.c.dispatched_at.is_not(None))
        .distinct()
        .subquery("contacted")
    )


def right_party(dialect: str, frm: str, to_next: str) -> Subquery:
    """Accounts with a conversation with the debtor (party defaults to debtor) in the range."""
    h = ContactHistoryRow.__table__
    body = document(dialect, h.c.body)
    party = func.coalesce(json_text(dialect, body, "party"), "debtor")
    return (
        select(h.c.account_id)
        .where(
            h.c.at >= frm,
            h.c.at < to_next,
            json_text(dialect, body, "outcome") == "conversation",
            party == "debtor",
        )
        .distinct()
        .subquery("rpc")
    )


def payments_in(dialect: str, frm: str, to_next: str) -> Subquery:
    """account_id → payment units dated in the range, and their dates (for `paid`)."""
    y = Payment.__table__
    return (
        select(y.c.account_id, y.c.paid_at, units(dialect, y.c.amount).label("amount_units"))
        .where(y.c.paid_at >= frm, y.c.paid_at < to_next)
        .subquery("paid_in_range")
    )


def per_account(conn: Connection, frm: str, to: str, grace_days: int | None = None) -> Select[Any]:
    """One row per account in scope: its grouping columns and each measure (flags, counts, units).

    Promises are kept and broken with the grace days of the playbook version of the account's
    scope decision (`engine.kpi.grace`); `grace_days` overrides them for every account."""
    to_next = next_day(to)
    s = scope(frm, to)
    graces = account_graces(conn, s, grace_days)
    pay = payments_in(conn.dialect.name, frm, to_next)
    collected = select(pay.c.account_id, func.sum(pay.c.amount_units).label("n")).group_by(pay.c.account_id)
    since_first = (
        select(pay.c.account_id, func.sum(pay.c.amount_units).label("n"))
        .select_from(pay.join(s, s.c.account_id == pay.c.account_id))
        .where(pay.c.paid_at >= s.c.first_date)
        .group_by(pay.c.account_id)
    )
    measures: dict[str, Subquery] = {
        "contacted": dispatched_contacts(frm, to),
        "rpc": right_party(conn.dialect.name, frm, to_next),
        "made": promises.made_in(frm, to_next),
        "kept": promises.kept_in(conn, frm, to, graces),
        "broken": promises.broken_in(conn, frm, to, graces),
        "collected": collected.subquery("collected"),
        "since_first": since_first.subquery("since_first"),
    }
    joined: Any = s
    for sub in measures.values():
        joined = joined.outerjoin(sub, sub.c.account_id == s.c.account_id)
    m = measures
    paid_units = func.coalesce(m["since_first"].c.n, 0)
    return (
        select(
            *(s.c[COLUMN[d]] for d in DIMENSIONS),
            s.c.currency,
            literal(1).label("accounts"),
            s.c.opening_units,
            case((m["contacted"].c.account_id.is_(None), 0), else_=1).label("contacted"),
            case((m["rpc"].c.account_id.is_(None), 0), else_=1).label("rpc"),
            func.coalesce(m["made"].c.n, 0).label("made"),
            func.coalesce(m["kept"].c.n, 0).label("kept"),
            func.coalesce(m["broken"].c.n, 0).label("broken"),
            func.coalesce(m["collected"].c.n, 0).label("collected"),
            case((and_(s.c.opening_units > 0, paid_units >= s.c.opening_units), 1), else_=0).label("paid"),
        )
        .select_from(joined)
    )


def kpi_rows(
    conn: Connection, frm: str, to: str, by: str | None = None, grace_days: int | None = None
) -> list[dict[str, Any]]:
    """The contract's KPI rows for [frm, to], one per group, ordered by group (null last); each
    account's promises with its playbook's grace days, or `grace_days` for all when given."""
    return aggregate(conn, per_account(conn, frm, to, grace_days).subquery("per_account"), by)


SUMMED = ("accounts", "contacted", "rpc", "made", "kept", "broken", "collected", "opening_units", "paid")


def aggregate(conn: Connection, a: Any, by: str | None) -> list[dict[str, Any]]:
    """Sum per-account measures (`per_account`'s columns, as a subquery or a table of partial
    sums with the same columns) per group and currency; ordered by group, then currency."""
    grp = literal("all") if by is None else a.c[COLUMN[by]]
    stmt = select(grp.label("grp"), a.c.currency, *(func.sum(a.c[m]) for m in SUMMED))
    stmt = stmt.group_by(a.c.currency) if by is None else stmt.group_by(grp, a.c.currency)
    rows = [_row(r) for r in conn.execute(stmt) if r[2]]
    return sorted(rows, key=_order)


def _order(row: dict[str, Any]) -> tuple[bool, str, bool, str]:
    """By group, then currency; nulls last in each."""
    return (row["group"] is None, row["group"] or "", row["currency"] is None, row["currency"] or "")


def _row(r: Any) -> dict[str, Any]:
    grp, currency, accounts, contacted, rpc, made, kept, broken, collected, opening, paid = r
    collected, opening = int(collected or 0), int(opening or 0)
    return dict(
        zip(
            FIELDS,
            (
                grp,
                currency,
                int(accounts),
                int(contacted or 0),
                int(rpc or 0),
                int(made or 0),
                int(kept or 0),
                int(broken or 0),
                units_text(collected, currency),
                units_text(opening, currency),
                rate(collected, opening),
                int(paid or 0),
            ),
            strict=True,
        )
    )
