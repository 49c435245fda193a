"""The day's allocation as recorded: who works which case, in which slot, and what overflowed.

One row per (business date, account) among the day's collector and agency cases, replaced
whole when the date is rerun (the allocation of a date is a plan, not evidence: the evidence
of contact is the outbox). Tomorrow's continuity reads today's `collector`;
`arrears worklist` reads the rest. `outcome` is one of:

* `collector`: worked by `collector` today, at `slot` (local time, ISO 8601 with offset) as
  number `position` of their worklist — or without a slot when none was lawful (`reason`);
* `overflow`: no collector had room; it went to the robot queue `overflow_to`;
* `agency`: placed with agency `collector` (its id) in the placement file;
* `unplaced`: an agency queue no agency of the roster takes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String, UniqueConstraint, delete, func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models import Base, BigId

OUTCOMES = ("collector", "overflow", "agency", "unplaced")


class AllocationRow(Base):
    __tablename__ = "allocations"
    __table_args__ = (UniqueConstraint("business_date", "account_id", name="uq_allocations_key"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    business_date: Mapped[str] = mapped_column(String(10), index=True)
    account_id: Mapped[str] = mapped_column(String(128))
    queue: Mapped[str | None] = mapped_column(String(128))
    outcome: Mapped[str] = mapped_column(String(16))
    collector: Mapped[str | None] = mapped_column(String(128))
    overflow_to: Mapped[str | None] = mapped_column(String(128))
    slot: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[int | None] = mapped_column(Integer)
    priority: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(400))
    flow_run_id: Mapped[str] = mapped_column(String(64))


def replace_day(conn: Connection, day: str, rows: list[dict[str, Any]], batch: int = 5000) -> None:
    """The date's allocation, replaced whole inside the caller's transaction."""
    conn.execute(delete(AllocationRow).where(AllocationRow.business_date == day))
    table = AllocationRow.__table__
    for start in range(0, len(rows), batch):
        conn.execute(table.insert(), rows[start : start + batch])  # type: ignore[attr-defined]


def previous_collectors(conn: Connection, day: str) -> dict[str, str]:
    """account → its collector on the latest allocated date before `day` (continuity)."""
    before = conn.execute(
        select(func.max(AllocationRow.business_date)).where(AllocationRow.business_date < day)
    ).scalar()
    if before is None:
        return {}
    query = select(AllocationRow.account_id, AllocationRow.collector).where(
        AllocationRow.business_date == before, AllocationRow.outcome == "collector"
    )
    return {a: c for a, c in conn.execute(query)}


def read_day(engine: Engine, day: str) -> list[Any]:
    with engine.connect() as conn:
        query = select(AllocationRow).where(AllocationRow.business_date == day).order_by(AllocationRow.account_id)
        return list(conn.execute(query))
