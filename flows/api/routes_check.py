"""`POST /v1/check`: `arrears check` over HTTP, the same models, gate and emergencies.

The body `{"account", "history", "action"}` is validated by the contract's own models
(`Account`, `HistoryEntry`, `Action`), the account's pack must load (fail closed: 503), the
gate decides and `emergency.repository.apply_to_verdict` adds the database's emergencies in
force, read on every request, so a declaration is seen by the next check after its commit.
The answer is the verdict object `arrears check --json` prints.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from engine.contracts.facts import Account, Action, HistoryEntry
from flows.api.auth import Caller, allowed
from flows.api.problems import documented

router = APIRouter()
MAX_HISTORY = 20_000
# Every role but admin: admin keys manage users and the schema and are not handed to dialers.
CHECK_ROLES = ("dialer", "ops", "strategy_owner", "approver", "auditor")


class CheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account: Account
    history: list[HistoryEntry] = Field(default_factory=list, max_length=MAX_HISTORY)
    action: Action


class Violation(BaseModel):
    model_config = ConfigDict(extra="allow")

    rule: str
    citation: str
    reason: str


class Verdict(BaseModel):
    """The contract's verdict, as `arrears check --json` prints it."""

    model_config = ConfigDict(extra="allow")

    allowed: bool
    violations: list[Violation]
    next_allowed_at: str | None


def verdict_for(body: CheckRequest) -> dict[str, Any]:
    """The verdict `arrears check --json` prints for the same account, history and action."""
    from emergency.repository import apply_to_verdict
    from engine.compliance.adapter import require_pack
    from engine.compliance.gate import check

    require_pack([body.account.jurisdiction])
    verdict = check(body.account, body.history, body.action).to_json()
    return apply_to_verdict(verdict, body.account, body.action)


@router.post(
    "/v1/check",
    summary="Check one proposed contact (the verdict of `arrears check --json`)",
    response_model=Verdict,
    responses=documented(401, 403, 422, 429, 503),
)
def post_check(
    body: CheckRequest, request: Request, caller: Caller = Depends(allowed(None, "check", CHECK_ROLES))
) -> dict[str, Any]:
    wait = request.app.state.limit.retry_after(caller.key_id)
    if wait > 0:
        raise HTTPException(429, f"more than {request.app.state.limit.rate:g} checks per second with this key",
                            headers={"Retry-After": str(max(1, round(wait)))})
    return verdict_for(body)
