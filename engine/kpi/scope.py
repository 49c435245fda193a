"""The accounts a KPI range counts, each with the snapshot row that puts it in its group.

Shared by the KPI rows (`engine.kpi.queries`) and the promise life cycle in SQL
(`engine.kpi.promises`), which takes each account's grace days from that row's decision.
"""

from __future__ import annotations

from sqlalchemy import Subquery, and_, func, select

from engine.store.models import KpiAccountDay

DIMENSIONS = ("stage", "queue", "collector", "playbook", "group", "jurisdiction")
COLUMN = {d: "grp" if d == "group" else d for d in DIMENSIONS}  # `--by` name → snapshot column


def scope(frm: str, to: str) -> Subquery:
    """account_id, decision_id, the grouping columns, currency, opening_units and first_date of
    every account in scope. One date (the daily step) is the date's in-scope snapshot rows as
    they are; a range takes each account's first in-scope date."""
    k = KpiAccountDay.__table__
    columns = (
        k.c.account_id,
        k.c.decision_id,
        *(k.c[COLUMN[d]] for d in DIMENSIONS),
        k.c.currency,
        k.c.balance_units.label("opening_units"),
        k.c.business_date.label("first_date"),
    )
    if frm == to:
        return select(*columns).where(k.c.business_date == frm, k.c.stage.is_not(None)).subquery("scope")
    firsts = (
        select(k.c.account_id, func.min(k.c.business_date).label("first_date"))
        .where(k.c.business_date.between(frm, to), k.c.stage.is_not(None))
        .group_by(k.c.account_id)
        .subquery("firsts")
    )
    return (
        select(*columns)
        .select_from(
            firsts.join(k, and_(k.c.account_id == firsts.c.account_id, k.c.business_date == firsts.c.first_date))
        )
        .subquery("scope")
    )
