"""Each account as the daily run saw it on a business date, kept for the KPIs.

A decision row stores its stage and the full Decision, but not the balance or dpd it was
made from (only a digest of the facts). The KPIs need both — `opening_balance` is the
balance at the account's first decision in the range, roll rates bucket by the decision's
dpd — so right after a day's decisions are written, the KPI step copies them from `accounts`
next to the decision's grouping columns (`kpi_account_days`). One INSERT … SELECT per date.

Per (date, account) the *first* decision row of the date counts (a rerun of the date
re-decides every account; its rows do not replace the first snapshot). An account's
`collector` is the decision's `assignment.collector` (null until worklists set it) and its
`group` the decision's `group` (champion/challenger; null outside experiments).

Decisions are found through the date's runs (`flow_runs.business_date`, then the indexed
`decisions.flow_run_id`), so the step reads one day of decisions, not the whole history;
every daily run records itself in `flow_runs` before it decides. Each decision document is
parsed once (a column of the ranked subquery), not once per extracted field.
"""

from __future__ import annotations

from sqlalchemy import Connection, and_, exists, func, insert, literal, select

from engine.kpi.sql import document, json_text, units
from engine.store.models import AccountRow, DecisionRow, FlowRunRow, KpiAccountDay

COLUMNS = (
    "business_date",
    "account_id",
    "decision_id",
    "stage",
    "queue",
    "collector",
    "playbook",
    "grp",
    "jurisdiction",
    "balance_units",
    "dpd",
)


def snapshot_day(conn: Connection, business_date: str) -> int:
    """Snapshot every account decided on `business_date` not snapshotted yet; rows added."""
    d, a, k, r = DecisionRow.__table__, AccountRow.__table__, KpiAccountDay.__table__, FlowRunRow.__table__
    dialect = conn.dialect.name
    runs = select(r.c.flow_run_id).where(r.c.business_date == business_date)
    ranked = (
        select(
            d.c.id,
            d.c.account_id,
            d.c.stage,
            document(dialect, d.c.decision).label("doc"),
            func.row_number().over(partition_by=d.c.account_id, order_by=d.c.id).label("nth"),
        )
        .where(d.c.flow_run_id.in_(runs), d.c.business_date == business_date)
        .subquery("ranked")
    )
    doc = ranked.c.doc
    rows = (
        select(
            literal(business_date),
            ranked.c.account_id,
            ranked.c.id,
            ranked.c.stage,
            json_text(dialect, doc, "assignment", "queue"),
            json_text(dialect, doc, "assignment", "collector"),
            json_text(dialect, doc, "playbook", "name") + " " + json_text(dialect, doc, "playbook", "version"),
            json_text(dialect, doc, "group"),
            a.c.jurisdiction,
            units(a.c.balance),
            a.c.dpd,
        )
        .select_from(ranked.join(a, a.c.account_id == ranked.c.account_id))
        .where(
            ranked.c.nth == 1,
            ~exists().where(and_(k.c.business_date == business_date, k.c.account_id == ranked.c.account_id)),
        )
    )
    result = conn.execute(insert(k).from_select(list(COLUMNS), rows))
    return int(result.rowcount or 0)
