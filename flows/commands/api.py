"""`arrears api [--host 127.0.0.1] [--port 8000] [--workers N]`: the HTTP API (docs/api.md).

uvicorn serves `flows.api.app:create_app` (a factory, so `--workers N` starts N processes,
each with its own connection pool; use PostgreSQL for more than one). The schema must be at
head (`arrears db upgrade`): the app refuses to start otherwise.
"""

from __future__ import annotations

import typer

from flows.app import app


@app.command("api")
def api_command(
    host: str = typer.Option("127.0.0.1", "--host", help="the address to listen on"),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="the TCP port"),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="worker processes"),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn's log level"),
) -> None:
    """Serve the operations over HTTP with `Authorization: Bearer KEY`; OpenAPI at /openapi.json."""
    import copy

    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    # uvicorn applies log_config in every worker process: our access log (`arrears.api`) too.
    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["api"] = {"format": "%(asctime)s %(name)s %(message)s"}
    config["handlers"]["api"] = {"class": "logging.StreamHandler", "formatter": "api", "stream": "ext://sys.stderr"}
    config["loggers"]["arrears.api"] = {"handlers": ["api"], "level": "INFO", "propagate": False}
    uvicorn.run("flows.api.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level=log_level, access_log=False, log_config=config)
