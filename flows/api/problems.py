"""Every error as RFC 9457 problem details (`application/problem+json`).

`{"type", "title", "status", "detail"}`, and for bad input (422) `errors: [{"loc", "msg"}]`
naming the field: pydantic's own location for a body that fails the contract models, and for
an `InputError` raised deeper (the store, the emergency service) the option or line it names,
mapped to where it sits in the request.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from engine.compliance.adapter import ComplianceUnavailable
from engine.contracts.errors import InputError
from engine.identity.roles import Forbidden, IdentityError

MEDIA = "application/problem+json"
TITLES = {
    400: "Bad request", 401: "Not authenticated", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
    422: "Invalid input", 429: "Too many requests", 503: "Unavailable",
}


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str


class Problem(BaseModel):
    """The body of every error response."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None


def problem(status: int, detail: str, errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None) -> JSONResponse:
    body = Problem(title=TITLES.get(status, "Error"), status=status, detail=detail,
                   errors=[FieldError(**e) for e in errors] if errors is not None else None)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, media_type=MEDIA, headers=headers)


# The documented error responses of an endpoint (OpenAPI): every one has the Problem body.
def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {s: {"model": Problem, "description": TITLES[s], "content": {MEDIA: {}}} for s in statuses}


def _loc(file: str, line: int) -> list[str | int]:
    """Where an `InputError`'s file/option name sits in the request."""
    if file == "body":
        return ["body", line]
    if file.startswith("--"):
        return ["body", file[2:]]
    if file == "ID":
        return ["path", "id"]
    if file in ("date", "--date"):
        return ["query", "date"]
    return [file]


def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"loc": [str(p) if not isinstance(p, int) else p for p in e.get("loc", ())], "msg": e.get("msg", "")}
              for e in exc.errors()]
    fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in errors)
    return problem(422, f"the request does not match the contract: {fields}", errors)


def _input(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InputError)
    errors = [{"loc": _loc(p.file, p.line), "msg": p.message} for p in exc.problems]
    return problem(422, "; ".join(p.message for p in exc.problems), errors)


def _identity(_: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, Forbidden):
        return problem(403, str(exc))
    return problem(401, str(exc).replace("ARREARS_API_KEY", "the Bearer key"), headers={"WWW-Authenticate": "Bearer"})


def _unavailable(_: Request, exc: Exception) -> JSONResponse:
    return problem(503, str(exc))  # fail closed: no pack, no verdict


def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return problem(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))


HANDLERS: dict[Any, Any] = {
    RequestValidationError: _validation,
    InputError: _input,
    IdentityError: _identity,
    ComplianceUnavailable: _unavailable,
    HTTPException: _http,
}
