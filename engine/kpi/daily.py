"""The daily run's KPI step: snapshot the business date, then store its KPI rows.

`compute_and_store_kpis` is what `flows/daily.py` calls at the end of a run. It is
idempotent: a rerun of the date adds snapshots only for accounts not seen yet that day and
replaces the date's `kpi_daily` rows, all in one transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, delete, insert
from sqlalchemy.orm import Session

from engine.kpi.queries import DIMENSIONS, kpi_rows
from engine.kpi.snapshot import snapshot_day
from engine.store.clock import now_iso
from engine.store.models import KpiDaily


def store_day(conn: Connection, business_date: str, grace_days: int = 0) -> list[dict[str, Any]]:
    """Snapshot `business_date` and (re)write its KPI rows; the rows, with their dimension."""
    snapshot_day(conn, business_date)
    now = now_iso()
    stored: list[dict[str, Any]] = []
    for dimension in ("all", *DIMENSIONS):
        by = None if dimension == "all" else dimension
        for row in kpi_rows(conn, business_date, business_date, by, grace_days):
            stored.append({"dimension": dimension, **row})
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


def compute_and_store_kpis(
    target: Engine | Connection | Session, business_date: str, grace_days: int = 0
) -> list[dict[str, Any]]:
    """The daily run's KPI step for `business_date` on an engine, a connection or a session."""
    if isinstance(target, Engine):
        with target.begin() as conn:
            return store_day(conn, business_date, grace_days)
    if isinstance(target, Session):
        return store_day(target.connection(), business_date, grace_days)
    return store_day(target, business_date, grace_days)


def artifact_table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored rows for a run artifact: counts and amounts; collector ids masked."""
    from engine.report.masking import mask_id

    return [{**r, "group": mask_id(r["group"]) if r["dimension"] == "collector" else r["group"]} for r in rows]
