"""Prefect flows of the emergency response, and the deployments ops trigger from the UI.

* `emergency-response` (per declaration or drill): records the suspension, renders and files
  the notices to the internal notices outbox, opens the tasks, then waits (bounded) and
  escalates notices still unacknowledged after their deadline. The evidence is in our own
  database and audit chain; the flow's artifact is the Prefect-side index to it.
* `emergency-declare` / `emergency-stand-down`: the CLI's declare and stand-down with
  parameters, so an operator can run them from the Prefect UI (`serve_deployments`).

Enforcement never waits for these flows: it starts at the declaration's commit.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from emergency import response as plan_response
from emergency import service
from emergency.plan import DEFAULT_PLAN, cached_plan


def _repo() -> Any:
    from emergency.repository import SqlEmergencyRepository
    from engine.store.db import ready_engine

    return SqlEmergencyRepository(ready_engine())


def _plan(plan: str | None) -> Any:
    return cached_plan(plan or str(DEFAULT_PLAN))


@task(name="file-notices", cache_policy=NO_CACHE, persist_result=False)
def file_notices_task(emergency_id: str, plan: str) -> dict[str, Any]:
    repo = _repo()
    record = repo.get(emergency_id)
    if record is None:
        raise ValueError(f"unknown emergency {emergency_id}")
    return plan_response.run_response(repo, _plan(plan), record)


@task(name="escalate-overdue", cache_policy=NO_CACHE, persist_result=False)
def escalate_task(emergency_id: str, plan: str) -> list[str]:
    done = plan_response.escalate_overdue(_repo(), _plan(plan), datetime.now(UTC), emergency_id)
    return [n.notice_id for n in done]


@flow(name="emergency-response", persist_result=False)
def emergency_response(emergency_id: str, plan: str = "", watch_seconds: int = 0) -> dict[str, Any]:
    """Run the plan's response for one declaration or drill; watch for overdue notices for
    `watch_seconds` (0: one escalation pass; a long-lived deployment can watch for hours)."""
    summary = file_notices_task(emergency_id, plan)
    escalated = escalate_task(emergency_id, plan)
    deadline = time.monotonic() + watch_seconds
    while time.monotonic() < deadline:
        time.sleep(min(60, max(1, deadline - time.monotonic())))
        escalated += escalate_task(emergency_id, plan)
    summary["escalated"] = escalated
    rows = [{"notice_id": n["notice_id"], "role": n["role"], "ack_due": n["ack_due"]} for n in summary["notices"]]
    create_table_artifact(
        key="emergency-response",
        table=rows or [{"notice_id": "-", "role": "-", "ack_due": "-"}],
        description=f"{'DRILL ' if summary['drill'] else ''}emergency {emergency_id}: tier {summary['tier']}, "
        f"scope {summary['scope']}, suspended: {summary['suspended']}",
    )
    return summary


@flow(name="emergency-declare", persist_result=False)
def emergency_declare(
    tier: int, scope: str, reason: str, by: str, plan: str = "", drill: bool = False
) -> dict[str, Any]:
    """Declare (or drill) from the Prefect UI; the response runs as a subflow."""
    record = service.declare(
        _repo(), _plan(plan), tier=tier, scope=scope, reason=reason, by=by, kind="drill" if drill else "declaration"
    )
    return {**record.status_json(), "response": emergency_response(record.emergency_id, plan)}


@flow(name="emergency-stand-down", persist_result=False)
def emergency_stand_down(emergency_id: str, by: list[str], reason: str, plan: str = "") -> dict[str, Any]:
    """Stand down from the Prefect UI (Tier 1: `by` lists two distinct people)."""
    return service.stand_down(_repo(), _plan(plan), emergency_id, by, reason).status_json()


@flow(name="emergency-escalation", persist_result=False)
def emergency_escalation(plan: str = "") -> dict[str, Any]:
    """Every open notice past its acknowledgement deadline is escalated (once). `arrears
    serve` runs this every few minutes, so nobody has to remember to."""
    done = plan_response.escalate_overdue(_repo(), _plan(plan), datetime.now(UTC))
    return {"escalated": [n.notice_id for n in done]}


def serve_deployments() -> None:  # pragma: no cover - long-running
    """`python -m flows.emergency`: serve the two deployments for the Prefect UI."""
    from prefect import serve

    serve(
        emergency_declare.to_deployment(name="emergency-declare"),
        emergency_stand_down.to_deployment(name="emergency-stand-down"),
    )


if __name__ == "__main__":  # pragma: no cover
    serve_deployments()
