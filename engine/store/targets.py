"""Targets versions in the record, and the collected sums `arrears targets status` needs.

Targets files are side documents of the playbook version storage (`engine.store.documents`:
the same versions, hash chains and maker-checker). A targets version's `applies_to` is
`{"kind": "targets", "month": "YYYY-MM"}` (its scope is a month, not accounts), and its
approvals carry the name `targets:YYYY-MM`. The version in force for a month is the one
approved last for that month; playbook lookups (`in_force`) never see targets.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, select

from engine.playbook.targets import LoadedTargets, load_targets
from engine.store import documents
from engine.store.models import Assignment, Payment
from engine.store.money import from_units, units

KIND = "targets"


def approval_name(month: str) -> str:
    """The approval `name` of a month's targets: one line of succession per month."""
    return documents.approval_name(KIND, month)


def is_targets(row: Any) -> bool:
    return documents.kind_of(row) == KIND


def in_force(conn: Connection) -> dict[str, Any]:
    """month → the targets version approved last for that month."""
    return documents.in_force(conn, KIND)


def approved_targets(engine: Engine, month: str) -> LoadedTargets:
    """The approved targets of `month`, loaded from their stored bytes (sha256 checked)."""
    with engine.connect() as conn:
        row = in_force(conn).get(month)
    if row is None:
        raise documents.none_approved("--date", f"targets for {month}", "TARGETS.yaml")
    return documents.load_stored(row, load_targets, "targets")


def collected_by_queue(engine: Engine, first: date, day: date) -> dict[tuple[str, str], Decimal]:
    """(queue, currency) → the exact sum of payments dated first..day (inclusive, the UTC date
    of `paid_at`), each account counted in the queue of its latest assignment on or before
    `day`; summed as `engine.store.money` units, like the KPIs."""
    with engine.connect() as conn:
        latest = (
            select(Assignment.account_id, func.max(Assignment.business_date).label("on"))
            .where(Assignment.business_date <= day.isoformat())
            .group_by(Assignment.account_id)
            .subquery()
        )
        paid_on = func.substr(Payment.paid_at, 1, 10)
        query = (
            select(Assignment.queue, Payment.currency, func.sum(units(conn.dialect.name, Payment.amount)))
            .select_from(Payment)
            .join(latest, latest.c.account_id == Payment.account_id)
            .join(
                Assignment,
                and_(Assignment.account_id == latest.c.account_id, Assignment.business_date == latest.c.on),
            )
            .where(paid_on >= first.isoformat(), paid_on <= day.isoformat(), Assignment.queue.is_not(None))
            .group_by(Assignment.queue, Payment.currency)
        )
        return {(q, c): from_units(total) for q, c, total in conn.execute(query) if c is not None}


def activate(engine: Engine, path: str | Path, author: str) -> tuple[dict[str, Any], bool]:
    """Store a validated targets file as a pending version; (identity, newly stored)."""
    loaded = load_targets(path)
    applies_to = {"kind": KIND, "month": loaded.targets.month}
    return documents.store_version(engine, loaded, path, author, applies_to, "TARGETS_ACTIVATED")
