"""The FastAPI application of `arrears api` (`create_app`, an import-string factory so uvicorn
can start several worker processes, each with its own engine, key cache and rate limits).

Each request gets one access-log line on the `arrears.api` logger: request id (the caller's
`X-Request-ID`, else a new one; echoed in the response), method, the route's template (never
the concrete path: it may carry an id), status, duration and user name. Never a body, a
phone, a name of a debtor or a key. `/healthz` says the process is up; `/readyz` that the
database is reachable at the schema's head and every compliance pack loads.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request

from flows.api.auth import KeyCache, RateLimit
from flows.api.problems import HANDLERS, documented, problem

log = logging.getLogger("arrears.api")
REQUEST_ID = "X-Request-ID"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    from engine.store.db import ready_engine

    app.state.engine = ready_engine()  # fails at start-up on a schema behind head
    yield


class AccessLog:
    """Pure ASGI middleware (cheaper per request than `@app.middleware`): the request id and
    one log line per HTTP request."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = given if 0 < len(given) <= 128 and given.isprintable() else uuid.uuid4().hex
        start, status = time.perf_counter(), [500]

        async def send_with_id(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode("latin-1"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            state = scope.get("state", {})
            log.info("request_id=%s method=%s path=%s status=%d ms=%.1f user=%s", rid, scope["method"],
                     getattr(scope.get("route"), "path", "-"), status[0], (time.perf_counter() - start) * 1000,
                     state.get("user", "-"))


def _ready(request: Request) -> Any:
    """200 when the database answers at the schema's head and every pack loads, else 503."""
    from engine.compliance.adapter import require_pack
    from engine.store.db import current_revision, head_revision

    try:
        current, head = current_revision(request.app.state.engine), head_revision()
        if current != head:
            return problem(503, f"database schema is at {current}, this Arrears needs {head}")
        require_pack(("CN", "US", "UK"))
    except Exception as exc:
        return problem(503, f"not ready: {type(exc).__name__}")
    return {"status": "ready", "schema": head}


def create_app(rate: float | None = None, burst: int | None = None) -> FastAPI:
    from engine.settings import get_settings
    from flows.api import routes_check, routes_emergency, routes_records

    settings = get_settings()
    app = FastAPI(title="Arrears API", version="1", lifespan=_lifespan,
                  description="The `arrears` operations over HTTP; `Authorization: Bearer KEY` (docs/api.md).")
    app.state.keys = KeyCache()
    app.state.limit = RateLimit(rate or settings.api_check_rate, burst or settings.api_check_burst)
    for exc, handler in HANDLERS.items():
        app.add_exception_handler(exc, handler)
    app.add_middleware(AccessLog)
    app.get("/healthz", summary="The process is up")(lambda: {"status": "ok"})
    app.get("/readyz", summary="Database at head and packs loaded", responses=documented(503))(_ready)
    for module in (routes_check, routes_emergency, routes_records):
        app.include_router(module.router)
    return app
