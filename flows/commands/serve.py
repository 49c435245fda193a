"""`arrears serve`: the daily run and the nightly compliance audit on cron schedules, and the
emergency declare / stand-down deployments for ops to trigger from the Prefect UI.

Uses Prefect's own serving, so ops see, pause and trigger the deployments in the Prefect
UI. Every parameter is passed explicitly: deployment runs record only what was passed.
See docs/operations.md for running against a real `prefect server start`.
"""

from __future__ import annotations

import typer

from flows.app import app


def daily_cron(at: str) -> str:
    from engine.contracts.timestamps import parse_hhmm

    try:
        hh, mm = parse_hhmm(at, allow_24=False)
    except ValueError:
        raise typer.BadParameter(f"--at {at!r}: expected HH:MM") from None
    return f"{mm} {hh} * * *"


@app.command("serve")
def serve(
    at: str = typer.Option("06:00", "--at", help="local time of the daily run, HH:MM"),
    audit_at: str = typer.Option("01:30", "--audit-at", help="local time of the nightly compliance audit, HH:MM"),
    timezone: str = typer.Option("UTC", "--timezone", help="IANA zone of --at and of the business date"),
    playbook: str | None = typer.Option(None, "--playbook", help="only this playbook (default: all approved)"),
    dispatcher: str = typer.Option("outbox", "--dispatcher", help="outbox (default) or file:PATH"),
    chunk_size: int | None = typer.Option(
        None, "--chunk-size", min=1, max=5000, help="accounts per task (default $ARREARS_CHUNK_SIZE or 1000)"
    ),
    name: str = typer.Option("daily", "--name", help="deployment name"),
) -> None:
    """Serve the daily strategy run as a scheduled Prefect deployment until interrupted."""
    from flows.prefect_settings import quiet_prefect

    quiet_prefect()
    from prefect import serve as prefect_serve
    from prefect.schedules import Cron

    from engine.settings import get_settings
    from engine.store.db import ready_engine
    from flows.compliance_audit import compliance_audit
    from flows.daily import daily_strategy_run
    from flows.emergency import emergency_declare, emergency_escalation, emergency_stand_down

    ready_engine()
    chunk_size = chunk_size or get_settings().chunk_size
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
    deployments += [
        compliance_audit.to_deployment(
            name="nightly",
            schedules=[Cron(daily_cron(audit_at), timezone=timezone)],
            parameters={"label": None},
            tags=["arrears", "compliance"],
            description="Replay the whole contact log through the compliance packs; masked risk report.",
        ),
        # Triggered by hand from the Prefect UI (no schedule): ops declare and stand down here too.
        emergency_declare.to_deployment(name="emergency-declare", tags=["arrears", "emergency"]),
        emergency_stand_down.to_deployment(name="emergency-stand-down", tags=["arrears", "emergency"]),
        # Unacknowledged notices escalate on their own, every 5 minutes.
        emergency_escalation.to_deployment(
            name="every-5-minutes",
            schedules=[Cron("*/5 * * * *", timezone=timezone)],
            parameters={"plan": ""},
            tags=["arrears", "emergency"],
        ),
    ]
    typer.echo(
        f"serving {', '.join(d.name for d in deployments)}: daily at {at}, audit at {audit_at} {timezone}. "
        "Trigger now: prefect deployment run 'daily-strategy-run/" + name + "'. Ctrl-C stops (schedules pause)."
    )
    prefect_serve(*deployments)
