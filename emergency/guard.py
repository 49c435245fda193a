"""The daily run's last look at emergencies, inside the transaction that writes the outbox.

`engine.run.daily.record_chunk` calls `hold_for_emergencies` after taking its chain locks
and before writing decisions and contacts. Because the check runs *inside* the writing
transaction (SQLite: `BEGIN IMMEDIATE`, exclusive; PostgreSQL: the `emergencies` chain head
is locked `FOR UPDATE`, which every declaration also takes), a chunk either commits before a
declaration commits, or sees it: no contact in scope is ever written after the commit. The
cost when nothing is declared is one small query per chunk.

Held actions move from the decision's `actions` to its `blocked`, with the `EMERGENCY.TIER<n>`
violations, and the decision row is re-serialised, so the record says why nothing was sent.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from emergency.enforce import EmergencyGuard
from emergency.repository import load_records
from emergency.tables import EmergencyDetail
from engine.contracts.digest import sha256_text
from engine.decide.stream import dumps
from engine.store.models import ChainHead


def _guard(conn: Connection, at: datetime) -> EmergencyGuard:
    if conn.dialect.name == "postgresql":
        conn.execute(select(ChainHead.seq).where(ChainHead.chain == "emergencies").with_for_update()).all()
    if not conn.dialect.has_table(conn, EmergencyDetail.__tablename__):
        return EmergencyGuard((), at)
    return EmergencyGuard.of(load_records(conn), at)


def hold_for_emergencies(
    conn: Connection,
    decided: list[tuple[Any, Any, dict[str, Any]]],
    decision_rows: list[dict[str, Any]],
    contacts: list[dict[str, Any]],
    stats: Any,
    assignments: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """The contacts still allowed under the emergencies in force now; updates decisions,
    assignments (an emergency's reassignment, e.g. to a senior mediator) and stats."""
    guard = _guard(conn, datetime.now(UTC))
    if not guard:
        return contacts
    by_account = {account.account_id: (account, d) for _, account, d in decided}
    kept: list[dict[str, Any]] = []
    changed: set[str] = set()
    rows_by_account = {row["account_id"]: row for row in assignments or []}
    for _, account, d in decided:
        target = guard.reassignment(account, d)
        if not target or {k: d["assignment"].get(k) for k in target} == target:
            continue
        old = d["assignment"]
        d["assignment"] = {**old, **target}
        d["explanation"].append(
            f"reassigned by emergency: {old['kind']}/{old.get('queue') or '-'} → "
            f"{d['assignment']['kind']}/{d['assignment'].get('queue') or '-'}"
        )
        stats.by_assignment[f"{old['kind']}/{old.get('queue') or '-'}"] -= 1
        stats.by_assignment[f"{d['assignment']['kind']}/{d['assignment'].get('queue') or '-'}"] += 1
        if account.account_id in rows_by_account:
            rows_by_account[account.account_id].update(kind=d["assignment"]["kind"], queue=d["assignment"].get("queue"))
        changed.add(account.account_id)
    for contact in contacts:
        account, d = by_account[contact["account_id"]]
        action = json.loads(contact["action"])
        violations = guard.violations(account, d, action)
        if not violations:
            kept.append(contact)
            continue
        d["actions"] = [a for a in d["actions"] if a.get("treatment") != contact["treatment"]]
        d["blocked"].append({"action": action, "violations": violations})
        d["explanation"].append(f"held by {violations[0]['rule']}: {violations[0]['reason']}")
        stats.blocked += 1
        stats.blocked_by_rule.update(v["rule"] for v in violations)
        stats.by_channel[contact["channel"]] -= 1
        changed.add(contact["account_id"])
    if changed:
        for row in decision_rows:
            if row["account_id"] in changed:
                text = dumps(by_account[row["account_id"]][1])
                row["decision"] = text
                row["decision_sha256"] = sha256_text(text)
    return kept
