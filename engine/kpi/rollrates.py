"""Roll rates: how accounts moved between dpd buckets from one business date to another.

Accounts with a decision (snapshot) on both `from` and `to` are counted by the bucket of
their dpd on each date: `1-30`, `31-60`, `61-90`, `91-180`, `181+`, or `paid` when the
balance is 0. Two choices the contract leaves open: dpd 0 with a balance (a cured account)
is bucket `current` — dropping it would hide accounts — and an account with no decision on
one of the dates (left collection another way) is not counted.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, case, func, select
from sqlalchemy.sql.elements import ColumnElement

from engine.store.models import KpiAccountDay

BUCKETS = ("current", "1-30", "31-60", "61-90", "91-180", "181+", "paid")


def bucket(balance_units: Any, dpd: Any) -> ColumnElement[str]:
    return case(
        (balance_units <= 0, "paid"),
        (dpd <= 0, "current"),
        (dpd <= 30, "1-30"),
        (dpd <= 60, "31-60"),
        (dpd <= 90, "61-90"),
        (dpd <= 180, "91-180"),
        else_="181+",
    )


def roll_rates(conn: Connection, frm: str, to: str) -> list[dict[str, Any]]:
    """`[{"from_bucket", "to_bucket", "accounts"}]`, non-empty cells in bucket order."""
    k = KpiAccountDay.__table__
    a, b = k.alias("on_from"), k.alias("on_to")
    from_bucket = bucket(a.c.balance_units, a.c.dpd).label("from_bucket")
    to_bucket = bucket(b.c.balance_units, b.c.dpd).label("to_bucket")
    stmt = (
        select(from_bucket, to_bucket, func.count().label("accounts"))
        .select_from(a.join(b, b.c.account_id == a.c.account_id))
        .where(a.c.business_date == frm, b.c.business_date == to)
        .group_by(from_bucket, to_bucket)
    )
    cells = [{"from_bucket": f, "to_bucket": t, "accounts": int(n)} for f, t, n in conn.execute(stmt)]
    return sorted(cells, key=lambda c: (BUCKETS.index(c["from_bucket"]), BUCKETS.index(c["to_bucket"])))
