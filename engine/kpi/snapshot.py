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
every daily run records itself in `flow_runs` before it decides.

What keeps the first run of a 1M-account date cheap (profiled on PostgreSQL,
docs/performance.md): the first decision per account is found by `min(id)` over narrow rows
(a window over the whole documents sorted them on disk); each document is parsed once (a
column of a subquery the planner may not flatten); rows already snapshotted are skipped by
the unique key itself (`ON CONFLICT DO NOTHING`), not by a second probe of it; and rows are
written in `account_id` order, so the unique key's b-tree is filled left to right instead of
at random pages (random order made the same write ~4× slower).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engine.kpi.sql import account_currency, document, json_text
from engine.store.models import AccountRow, DecisionRow, FlowRunRow, KpiAccountDay
from engine.store.money import units

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
    "currency",
    "balance_units",
    "dpd",
)


def _first_decisions(business_date: str) -> Any:
    """The first decision row of the date per account (its id): narrow rows, hashed, no sort."""
    d, r = DecisionRow.__table__, FlowRunRow.__table__
    runs = select(r.c.flow_run_id).where(r.c.business_date == business_date)
    return (
        select(func.min(d.c.id).label("id"))
        .where(d.c.flow_run_id.in_(runs), d.c.business_date == business_date)
        .group_by(d.c.account_id)
        .subquery("first_ids")
    )


def snapshot_day(conn: Connection, business_date: str) -> int:
    """Snapshot every account decided on `business_date` not snapshotted yet; rows added."""
    d, a, k = DecisionRow.__table__, AccountRow.__table__, KpiAccountDay.__table__
    dialect = conn.dialect.name
    first_ids = _first_decisions(business_date)
    firsts = (  # a join, not `IN`: the planner then expects one row per account, not 200, and hashes
        select(d.c.id, d.c.account_id, d.c.stage, document(dialect, d.c.decision).label("doc"))
        .select_from(d.join(first_ids, first_ids.c.id == d.c.id))
        .offset(0)  # a fence: the document is parsed once, not once per field below
        .subquery("firsts")
    )
    doc = firsts.c.doc
    rows = (
        select(
            literal(business_date),
            firsts.c.account_id,
            firsts.c.id,
            firsts.c.stage,
            json_text(dialect, doc, "assignment", "queue"),
            json_text(dialect, doc, "assignment", "collector"),
            json_text(dialect, doc, "playbook", "name") + " " + json_text(dialect, doc, "playbook", "version"),
            json_text(dialect, doc, "group"),
            a.c.jurisdiction,
            account_currency(dialect, a.c.facts),
            units(dialect, a.c.balance),
            a.c.dpd,
        )
        .select_from(firsts.join(a, a.c.account_id == firsts.c.account_id))
        .where(literal(True))  # SQLite: INSERT … SELECT … ON CONFLICT needs a WHERE to parse
        .order_by(firsts.c.account_id)
    )
    build = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = build(k).from_select(list(COLUMNS), rows).on_conflict_do_nothing(
        index_elements=[k.c.business_date, k.c.account_id]
    )
    result = conn.execute(stmt)
    return int(result.rowcount or 0)
