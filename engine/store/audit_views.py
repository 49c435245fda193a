"""Read-only views for auditors, in the contract's JSON shapes (`arrears audit …`).

Everything here reads our own record, never Prefect's: runs, contacts and decisions are
answered from the tables the daily run wrote in its own transactions.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select

from engine.contracts.errors import InputError
from engine.store.models import DecisionRow, FlowRunRow, OutboxContact
from engine.store.runs import is_stale


def runs(engine: Engine, business_date: str | None = None) -> list[dict[str, Any]]:
    """`[{flow_run_id, name, state, started, parameters, playbook_sha256}]`, oldest first."""
    t = FlowRunRow.__table__
    stmt = select(t).order_by(t.c.started)
    if business_date:
        stmt = stmt.where(t.c.business_date == business_date)
    out = []
    now = datetime.now(UTC)
    with engine.connect() as conn:
        for r in conn.execute(stmt).mappings():
            playbooks = json.loads(r["playbooks"])
            stale = is_stale(r["state"], r["heartbeat_at"], r["started"], now)
            out.append(
                {
                    "flow_run_id": r["flow_run_id"],
                    "name": r["name"],
                    "state": "CRASHED" if stale else r["state"],
                    "started": r["started"],
                    "parameters": json.loads(r["parameters"]),
                    "playbook_sha256": ",".join(p["sha256"] for p in playbooks),
                    "flow_name": r["flow_name"],
                    "business_date": r["business_date"],
                    "ended": r["ended"],
                    "playbooks": playbooks,
                    "decided": r["decided"],
                    "dispatched": r["dispatched"],
                    "blocked": r["blocked"],
                    "pending": r["pending"],
                    "heartbeat_at": r["heartbeat_at"],
                }
            )
    return out


def contacts(engine: Engine, business_date: str | None = None, account_id: str | None = None) -> list[dict[str, Any]]:
    """Every outbound contact written to the outbox, in the order it was written."""
    t = OutboxContact.__table__
    stmt = select(t).order_by(t.c.chain_seq)
    if business_date:
        stmt = stmt.where(t.c.business_date == business_date)
    if account_id:
        stmt = stmt.where(t.c.account_id == account_id)
    out = []
    with engine.connect() as conn:
        for r in conn.execution_options(yield_per=5000).execute(stmt).mappings():
            action = json.loads(r["action"])
            out.append(
                {
                    "account_id": r["account_id"],
                    "channel": r["channel"],
                    "at": action.get("at", r["at"]),
                    "template": r["template"],
                    "flow_run_id": r["flow_run_id"],
                    "idempotency_key": r["idempotency_key"],
                    "business_date": r["business_date"],
                    "treatment": r["treatment"],
                    "playbook_sha256": r["playbook_sha256"],
                }
            )
    return out


def explain(engine: Engine, account_id: str, business_date: str | None = None) -> dict[str, Any]:
    """The latest recorded decision for an account (on a business date), plus its run."""
    t = DecisionRow.__table__
    stmt = select(t).where(t.c.account_id == account_id).order_by(t.c.chain_seq.desc()).limit(1)
    if business_date:
        stmt = stmt.where(t.c.business_date == business_date)
    with engine.connect() as conn:
        row = conn.execute(stmt).mappings().first()
    if row is None:
        when = f" on {business_date}" if business_date else ""
        raise InputError.at("ACCOUNT", 1, 1, f"no recorded decision for account {account_id!r}{when}")
    return {
        **json.loads(row["decision"]),
        "flow_run_id": row["flow_run_id"],
        "business_date": row["business_date"],
        "facts_digest": row["facts_digest"],
        "decision_sha256": row["decision_sha256"],
    }
