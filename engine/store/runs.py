"""Our own record of daily runs: started, finished, with what, and what came of it.

Prefect's flow-run records are the index ops browse; this table and the audit log are the
evidence, written in our transactions so they survive whatever happens to Prefect's server.
A run renews a lease on its row (`heartbeat`) while it runs. A run killed mid-way (kill -9,
power loss) stops renewing it: once its heartbeat is older than `STALE_AFTER`, the next run
marks it `CRASHED` (`mark_crashed`, with an audit event) and audit views show it so.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select, update

from engine.store.audit_log import log_event
from engine.store.chain import ChainWriter
from engine.store.clock import now_iso
from engine.store.models import ChainHead, FlowRunRow, OutboxDispatch
from engine.store.upsert import upsert

ACTOR = "daily-strategy-run"
HEARTBEAT_EVERY = 15.0  # seconds between lease renewals of a running run
STALE_AFTER = 120.0  # a RUNNING run silent this long is dead: several missed renewals


def heartbeat(engine: Engine, flow_run_id: str) -> None:
    """Renew the run's lease (called per chunk and every `HEARTBEAT_EVERY` seconds)."""
    with engine.begin() as conn:
        conn.execute(
            update(FlowRunRow.__table__).where(FlowRunRow.flow_run_id == flow_run_id).values(heartbeat_at=now_iso())
        )


def is_stale(
    state: str, heartbeat_at: str | None, started: str, now: datetime, stale_after: float = STALE_AFTER
) -> bool:
    """True for a run recorded RUNNING whose last sign of life is older than `stale_after` seconds."""
    if state != "RUNNING":
        return False
    return datetime.fromisoformat(heartbeat_at or started) < now - timedelta(seconds=stale_after)


def claim_token(expires: str, owner: str, nonce: str) -> str:
    """A relay's claim on outbox rows: its expiry first (claims compare as strings), then the
    run that holds it, so a run marked CRASHED can have its claims freed. Fits the column's
    80 characters: a 32-character stamp, a run id of up to 36 (a UUID), an 8-character nonce."""
    return f"{expires}#{_owner(owner)}#{nonce[:8]}"


def _owner(run_id: str) -> str:
    return run_id.replace("#", "")[:36]


def _free_claims(conn: Any, run_id: str) -> None:
    """Rows a dead run had claimed but not sent go back to the relay now, not after the lease."""
    d = OutboxDispatch.__table__
    owned = d.c.claimed_until.like(f"%#{_owner(run_id)}#%")
    conn.execute(update(d).where(d.c.dispatched_at.is_(None), owned).values(claimed_until=None))


def mark_crashed(engine: Engine, stale_after: float = STALE_AFTER) -> list[dict[str, Any]]:
    """Mark every stale RUNNING run CRASHED; returns `[{flow_run_id, business_date, last_seen}]`."""
    t = FlowRunRow.__table__
    now = datetime.now(UTC)
    crashed: list[dict[str, Any]] = []
    with engine.begin() as conn:
        running = conn.execute(
            select(t.c.flow_run_id, t.c.business_date, t.c.heartbeat_at, t.c.started).where(t.c.state == "RUNNING")
        ).all()
        writer = ChainWriter(conn, ["audit_log"])
        for run_id, day, beat, started in running:
            if not is_stale("RUNNING", beat, started, now, stale_after):
                continue
            last_seen = beat or started
            conn.execute(
                update(t)
                .where(t.c.flow_run_id == run_id, t.c.state == "RUNNING")
                .values(state="CRASHED", ended=last_seen)
            )
            _free_claims(conn, run_id)
            found = {"flow_run_id": run_id, "business_date": day, "last_seen": last_seen}
            log_event(writer, ACTOR, "RUN_CRASHED", run_id, found)
            crashed.append(found)
        writer.close()
    return crashed


def start_run(
    engine: Engine, flow_run_id: str, name: str, business_date: str, parameters: dict[str, Any], playbooks: list[dict]
) -> None:
    with engine.begin() as conn:
        row = {
            "flow_run_id": flow_run_id,
            "name": name,
            "flow_name": "daily-strategy-run",
            "business_date": business_date,
            "state": "RUNNING",
            "started": now_iso(),
            "heartbeat_at": now_iso(),
            "pending": None,
            "ended": None,
            "parameters": json.dumps(parameters, sort_keys=True, default=str),
            "playbooks": json.dumps(playbooks, sort_keys=True),
            "decided": 0,
            "dispatched": 0,
            "blocked": 0,
            "summary": None,
        }
        upsert(conn, FlowRunRow.__table__, [row], ["flow_run_id"])  # type: ignore[arg-type]
        writer = ChainWriter(conn, ["audit_log"])
        log_event(writer, ACTOR, "RUN_STARTED", flow_run_id, {"business_date": business_date, "playbooks": playbooks})
        writer.close()


def finish_run(engine: Engine, flow_run_id: str, state: str, summary: dict[str, Any]) -> dict[str, tuple[int, str]]:
    """Mark the run; returns the chain heads after it (published in the run's artifact)."""
    with engine.begin() as conn:
        conn.execute(
            update(FlowRunRow.__table__)
            .where(FlowRunRow.flow_run_id == flow_run_id)
            .values(
                state=state,
                ended=now_iso(),
                decided=summary.get("decided", 0),
                dispatched=summary.get("dispatched", 0),
                blocked=summary.get("blocked", 0),
                pending=summary.get("pending"),
                heartbeat_at=func.coalesce(FlowRunRow.heartbeat_at, now_iso()),
                summary=json.dumps(summary, sort_keys=True, default=str),
            )
        )
        writer = ChainWriter(conn, ["audit_log"])
        counts = {k: summary.get(k) for k in ("decided", "dispatched", "blocked", "pending")}
        log_event(writer, ACTOR, "RUN_FINISHED", flow_run_id, {"state": state, **counts})
        writer.close()
        heads = conn.execute(select(ChainHead.chain, ChainHead.seq, ChainHead.head_hash)).all()
    return {chain: (int(seq), head) for chain, seq, head in heads}
