"""Targets versions in the record, and the collected sums `arrears targets status` needs.

Targets files share the playbook version storage (`playbook_versions` / `playbook_approvals`,
the same hash chains, the same maker-checker in `engine.store.playbooks`) rather than a
parallel mechanism. What tells them apart without a schema change: a targets version's
`applies_to` is `{"kind": "targets", "month": "YYYY-MM"}` (its scope is a month, not
accounts), and its approvals carry the name `targets:YYYY-MM`, which no playbook name can
match (`^[a-z][a-z0-9_-]*$`). The version in force for a month is the one approved last for
that month; playbook lookups (`in_force`) never see targets.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, select

from engine.contracts.errors import InputError
from engine.playbook.targets import LoadedTargets, load_targets
from engine.store.clock import now_iso
from engine.store.models import Assignment, Payment, PlaybookApproval, PlaybookVersion
from engine.store.money import from_units, units

KIND = "targets"


def approval_name(month: str) -> str:
    """The approval `name` of a month's targets: one line of succession per month."""
    return f"{KIND}:{month}"


def is_targets(row: Any) -> bool:
    return json.loads(row.applies_to).get("kind") == KIND


def version_row(loaded: LoadedTargets, path: str | Path, author: str) -> dict[str, Any]:
    """The `playbook_versions` row that stores a targets file (no templates)."""
    t = loaded.targets
    return {
        "sha256": loaded.sha256,
        "name": t.name,
        "version": str(t.version),
        "source_path": str(path),
        "content": loaded.content,
        "templates_dir": "",
        "templates": "{}",
        "applies_to": json.dumps({"kind": KIND, "month": t.month}, sort_keys=True),
        "author": author,
        "created_at": now_iso(),
    }


def in_force(conn: Connection) -> dict[str, Any]:
    """month → the targets version approved last for that month."""
    latest: dict[str, str] = {}
    rows = conn.execute(select(PlaybookApproval.name, PlaybookApproval.sha256).order_by(PlaybookApproval.chain_seq))
    for name, sha in rows:
        if name.startswith(f"{KIND}:"):
            latest[name.removeprefix(f"{KIND}:")] = sha
    found = conn.execute(select(PlaybookVersion).where(PlaybookVersion.sha256.in_(latest.values()))).all()
    return {json.loads(r.applies_to)["month"]: r for r in found}


def approved_targets(engine: Engine, month: str) -> LoadedTargets:
    """The approved targets of `month`, loaded from their stored bytes (sha256 checked)."""
    with engine.connect() as conn:
        row = in_force(conn).get(month)
    if row is None:
        raise InputError.at(
            "--date",
            1,
            1,
            f"no approved targets for {month}: `arrears playbook activate TARGETS.yaml --by A`, "
            "then `arrears playbook approve SHA --by B`",
        )
    with tempfile.TemporaryDirectory(prefix="arrears-targets-") as tmp:
        path = Path(tmp) / "targets.yaml"
        path.write_bytes(row.content.encode("utf-8"))
        loaded = load_targets(path)
    if loaded.sha256 != row.sha256:
        raise RuntimeError(f"stored targets {row.name} {row.sha256[:12]} no longer hash to their sha256")
    return loaded


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
    from engine.store.audit_log import log_event
    from engine.store.chain import ChainWriter

    loaded = load_targets(path)
    with engine.begin() as conn:
        stored = conn.execute(select(PlaybookVersion.id).where(PlaybookVersion.sha256 == loaded.sha256)).first()
        if stored is not None:
            return loaded.identity, False
        writer = ChainWriter(conn, ["playbook_versions", "audit_log"])
        writer.append("playbook_versions", [version_row(loaded, path, author)])
        details = {**loaded.identity, "month": loaded.targets.month}
        log_event(writer, author, "TARGETS_ACTIVATED", loaded.sha256, details)
        writer.close()
    return loaded.identity, True
