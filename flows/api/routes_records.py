"""`POST /v1/history`, `POST /v1/payments`, `GET /v1/worklists/{collector}?date=`.

The posts take a JSON array of the lines `arrears import history|payments` reads, validated
by the same models and written by the same writers (`engine.store.imports.record_history`,
`engine.store.outcomes.record_payments`): one transaction, all or nothing, idempotent; the
answer is the import's counts. An error names the array index (`loc: ["body", i, …]`). The
worklist is `arrears worklist --date D --collector C --json`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Query, Request

from engine.contracts.facts import HistoryEntry, PaymentLine
from flows.api.auth import Caller, allowed, authenticated
from flows.api.problems import documented

router = APIRouter()
MAX_LINES = 10_000


def _recorded(request: Request, caller: Caller, kind: str, done: Any) -> dict[str, Any]:
    from engine.identity.users import record_act

    record_act(request.app.state.engine, caller.user, f"{kind.upper()}_IMPORTED", "api", done.as_dict())
    return {"kind": kind, **done.as_dict()}


@router.post("/v1/history", summary="Record contact history (as `arrears import history`)",
             responses=documented(401, 403, 422))
def post_history(
    request: Request,
    lines: list[HistoryEntry] = Body(..., max_length=MAX_LINES),
    caller: Caller = Depends(allowed("import.history", "import history")),
) -> dict[str, Any]:
    from engine.store.imports import record_history

    done = record_history(request.app.state.engine, enumerate(lines), "body")
    return _recorded(request, caller, "history", done)


@router.post("/v1/payments", summary="Record payments (as `arrears import payments`)",
             responses=documented(401, 403, 422))
def post_payments(
    request: Request,
    lines: list[PaymentLine] = Body(..., max_length=MAX_LINES),
    caller: Caller = Depends(allowed("import.payments", "import payments")),
) -> dict[str, Any]:
    from engine.store.outcomes import record_payments

    done = record_payments(request.app.state.engine, enumerate(lines), "body")
    return _recorded(request, caller, "payments", done)


@router.get("/v1/worklists/{collector}", summary="A collector's worklist of a date (as `arrears worklist --json`)",
            responses=documented(401, 422))
def get_worklist(
    collector: str,
    date: str = Query(..., description="the business date, YYYY-MM-DD"),
    caller: Caller = Depends(authenticated),
) -> list[dict[str, Any]]:
    from engine.contracts.timestamps import parse_date
    from flows.commands.worklist import worklist_rows

    return worklist_rows(parse_date(date, "date").isoformat(), collector)
