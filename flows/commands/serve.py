"""`arrears serve`: the daily run (and the nightly compliance audit, when present) on cron schedules.

Uses Prefect's own serving, so ops see, pause and trigger the deployments in the Prefect
UI. Every parameter is passed explicitly: deployment runs record only what was passed.
See docs/operations.md for running against a real `prefect server start`.
"""

from __future__ import annotations

import typer

from flows.app import app


def daily_cron(at: str) -> str:
    hh, mm = (int(p) for p in at.split(":"))
    if not (0 <= hh < 24 and 0 <= mm < 60):
        raise typer.BadParameter(f"--at {at!r}: expected HH:MM")
    return f"{mm} {hh} * * *"


@app.command("serve")
def serve(
    at: str = typer.Option("06:00", "--at", help="local time of the daily run, HH:MM"),
    timezone: str = typer.Option("UTC", "--timezone", help="IANA zone of --at and of the business date"),
    playbook: str | None = typer.Option(None, "--playbook", help="only this playbook (default: all approved)"),
    dispatcher: str = typer.Option("outbox", "--dispatcher", help="outbox (default) or file:PATH"),
    chunk_size: int = typer.Option(1000, "--chunk-size", min=1, max=5000),
    name: str = typer.Option("daily", "--name", help="deployment name"),
) -> None:
    """Serve the daily strategy run as a scheduled Prefect deployment until interrupted."""
    from flows.commands.run import quiet_prefect

    quiet_prefect()
    from prefect import serve as prefect_serve
    from prefect.schedules import Cron

    from engine.store.db import ready_engine
    from flows.daily import daily_strategy_run

    ready_engine()
    deployments = [
        daily_strategy_run.to_deployment(
            name=name,
            schedules=[Cron(daily_cron(at), timezone=timezone)],
            parameters={
                "as_of": None,
                "playbook": playbook,
                "chunk_size": chunk_size,
                "dispatcher": dispatcher,
                "timezone": timezone,
            },
            tags=["arrears", "daily"],
            description="Every approved playbook over the portfolio, once per business day.",
        )
    ]
    try:  # the compliance team's nightly audit flow, if it is installed
        from flows.compliance_audit import compliance_audit  # type: ignore[import-not-found]

        deployments.append(
            compliance_audit.to_deployment(
                name="nightly", schedules=[Cron("30 1 * * *", timezone=timezone)], parameters={}, tags=["arrears"]
            )
        )
    except ImportError:
        pass
    typer.echo(
        f"serving {', '.join(d.name for d in deployments)}: daily at {at} {timezone}. "
        "Trigger now: prefect deployment run 'daily-strategy-run/" + name + "'. Ctrl-C stops (schedules pause)."
    )
    prefect_serve(*deployments)
