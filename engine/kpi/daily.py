"""The daily run's KPI step: snapshot the business date, then store its KPI rows.

`compute_and_store_kpis` is what `flows/daily.py` calls at the end of a run. It is
idempotent: a rerun of the date adds snapshots only for accounts not seen yet that day and
replaces the date's `kpi_daily` rows, all in one transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Session

from engine.kpi.queries import COLUMN, DIMENSIONS, SUMMED, aggregate, per_account
from engine.kpi.snapshot import snapshot_day
from engine.store.clock import now_iso
from engine.store.models import KpiDaily

KEYS = (*(COLUMN[d] for d in DIMENSIONS), "currency")


def _work_table() -> Table:
    """A temporary table of the day's measures summed per combination of every grouping
    column and currency: a few thousand rows for a million accounts. Each dimension's rows
    are sums of these partial sums, so the accounts are read once, not seven times."""
    return Table(
        "kpi_work",
        MetaData(),
        *(Column(key, String(260)) for key in KEYS),
        *(Column(m, BigInteger) for m in SUMMED),
        prefixes=["TEMPORARY"],
    )


def day_rows(conn: Connection, business_date: str) -> list[dict[str, Any]]:
    """KPI rows of one date for every dimension: the per-account measures computed once (each
    account's promises with its deciding playbook's grace days)."""
    work = _work_table()
    work.create(conn)
    try:
        a = per_account(conn, business_date, business_date).subquery("per_account")
        keys = [a.c[key] for key in KEYS]
        partial = select(*keys, *(func.sum(a.c[m]) for m in SUMMED)).group_by(*keys)
        conn.execute(insert(work).from_select([c.name for c in work.c], partial))
        _analyze(conn, "kpi_work")
        return [
            {"dimension": dimension, **row}
            for dimension in ("all", *DIMENSIONS)
            for row in aggregate(conn, work, None if dimension == "all" else dimension)
        ]
    finally:
        work.drop(conn)


def _analyze(conn: Connection, table: str) -> None:
    """PostgreSQL: fresh statistics for a table just filled in this transaction.

    Without them the planner takes the million rows just written for none and picks nested
    loops; autovacuum never sees a temporary table at all.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"ANALYZE {table}")


KPI_LOCK_NAMESPACE = 0x4B50_0000_0000  # "KP": keeps our advisory-lock keys apart from others'


def _one_writer_per_date(conn: Connection, business_date: str) -> None:
    """Two runs of one date (concurrent reruns) must not write its KPIs at the same time: on
    PostgreSQL both would insert the same snapshot rows (seen: UniqueViolation on
    uq_kpi_account_days_key). A transaction-scoped advisory lock makes the second wait and
    then find the snapshot there; SQLite already lets one writer in at a time."""
    if conn.dialect.name == "postgresql":
        key = KPI_LOCK_NAMESPACE + int(business_date.replace("-", ""))
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _bulk_settings(conn: Connection) -> None:
    """PostgreSQL, this transaction only: the step's statements read a million rows each.

    Measured (docs/performance.md): JIT compilation cost ~7 s of a ~15 s statement whose
    execution it could not shorten, and with the default 4 MB of `work_mem` its hash
    aggregates and sorts spilled to disk in 16–33 batches.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL jit = off")
        conn.exec_driver_sql("SET LOCAL work_mem = '64MB'")


def store_day(conn: Connection, business_date: str) -> list[dict[str, Any]]:
    """Snapshot `business_date` and (re)write its KPI rows; the rows, with their dimension."""
    _one_writer_per_date(conn, business_date)
    _bulk_settings(conn)
    snapshot_day(conn, business_date)
    _analyze(conn, "kpi_account_days")
    now = now_iso()
    stored = day_rows(conn, business_date)
    k = KpiDaily.__table__
    conn.execute(delete(k).where(k.c.business_date == business_date))
    if stored:
        values = [
            {"business_date": business_date, "computed_at": now, "grp": r["group"], **_columns(r)} for r in stored
        ]
        conn.execute(insert(k), values)
    return stored


def _columns(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key != "group"}


def compute_and_store_kpis(target: Engine | Connection | Session, business_date: str) -> list[dict[str, Any]]:
    """The daily run's KPI step for `business_date` on an engine, a connection or a session."""
    if isinstance(target, Engine):
        with target.begin() as conn:
            return store_day(conn, business_date)
    if isinstance(target, Session):
        return store_day(target.connection(), business_date)
    return store_day(target, business_date)


def artifact_table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored rows for a run artifact: counts and rates only, collector ids masked.

    Amounts stay out: a group of one account would show that account's balance.
    """
    from engine.report.masking import mask_id

    return [
        {
            **{k: v for k, v in r.items() if k not in ("collected", "opening_balance")},
            "group": mask_id(r["group"]) if r["dimension"] == "collector" else r["group"],
        }
        for r in rows
    ]
