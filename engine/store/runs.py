"""Our own record of daily runs: started, finished, with what, and what came of it.

Prefect's flow-run records are the index ops browse; this table and the audit log are the
evidence, written in our transactions so they survive whatever happens to Prefect's server.
A run killed mid-way stays `RUNNING` here: the gap itself is evidence.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, select, update

from engine.store.audit_log import log_event
from engine.store.chain import ChainWriter
from engine.store.clock import now_iso
from engine.store.models import ChainHead, FlowRunRow
from engine.store.upsert import upsert

ACTOR = "daily-strategy-run"


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
                summary=json.dumps(summary, sort_keys=True, default=str),
            )
        )
        writer = ChainWriter(conn, ["audit_log"])
        counts = {k: summary.get(k) for k in ("decided", "dispatched", "blocked")}
        log_event(writer, ACTOR, "RUN_FINISHED", flow_run_id, {"state": state, **counts})
        writer.close()
        heads = conn.execute(select(ChainHead.chain, ChainHead.seq, ChainHead.head_hash)).all()
    return {chain: (int(seq), head) for chain, seq, head in heads}
