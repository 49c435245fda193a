"""`GET/POST /v1/emergencies`, `POST /v1/emergencies/{id}/stand-down`: `arrears emergency …`.

Declaring commits the emergency (enforced from that commit, by every `/v1/check` after it)
through `emergency.service.declare`; its response (notices, tasks) runs in the request only
when `"response": "inline"` is asked, else ops run it as for `--response none`. A stand-down
signs as the caller: the first signature starts it, and when another user's stand-down is
pending the caller's confirms it (Tier 1 needs two distinct users, each with their own key),
through `emergency.service.sign_off`, exactly as `stand-down` / `confirm-stand-down`.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from flows.api.auth import Caller, allowed, authenticated
from flows.api.problems import documented

router = APIRouter()


class Declaration(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tier: int = Field(ge=1, le=3)
    scope: str = Field(min_length=1, max_length=500)
    reason: str = Field(min_length=1, max_length=2000)
    response: Literal["none", "inline"] = "none"


class StandDownBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(None, min_length=1, max_length=2000)


def _repo() -> Any:
    from flows.commands.emergency import _repo as repo

    return repo()


def _plan() -> Any:
    from flows.commands.emergency import _plan as plan

    return plan(None)


@router.get("/v1/emergencies", summary="Emergencies in force or pending (as `arrears emergency status --json`)",
            responses=documented(401))
def list_emergencies(caller: Caller = Depends(authenticated)) -> list[dict[str, Any]]:
    from datetime import UTC, datetime

    from emergency.lifecycle import IN_FORCE_OR_PENDING

    now = datetime.now(UTC)
    return [r for r in (rec.status_json(now) for rec in _repo().all()) if r["state"] in IN_FORCE_OR_PENDING]


@router.post("/v1/emergencies", status_code=201, summary="Declare an emergency (as `arrears emergency declare`)",
             responses=documented(401, 403, 422))
def declare_emergency(
    body: Declaration, caller: Caller = Depends(allowed("emergency.declare", "emergency declare"))
) -> dict[str, Any]:
    from emergency.service import declare

    plan = _plan()
    record = declare(_repo(), plan, tier=body.tier, scope=body.scope, reason=body.reason, by=caller.user.name)
    summary = None
    if body.response == "inline":
        from emergency.response import run_response

        summary = run_response(_repo(), plan, record)
    return {**record.status_json(), "response": summary}


@router.post("/v1/emergencies/{id}/stand-down", summary="Sign a stand-down (starts it, or confirms another user's)",
             responses=documented(401, 403, 404, 422))
def stand_down(
    id: str,
    body: StandDownBody = Body(default_factory=StandDownBody),
    caller: Caller = Depends(allowed("emergency.stand_down", "emergency stand-down")),
) -> dict[str, Any]:
    from emergency.service import sign_off

    repo = _repo()
    record = repo.get(id)
    if record is None:
        raise HTTPException(404, f"no emergency {id}")
    pending = any(s.action == "stand_down" for s in record.signoffs)
    done = sign_off(repo, _plan(), record.emergency_id, "stand_down", caller.user.name, body.reason,
                    confirming=pending)
    return done.status_json()
