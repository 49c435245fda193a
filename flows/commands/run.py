"""`arrears run daily`: one Prefect flow run of the daily strategy for a business date.

Prefect settings are applied before Prefect is imported: telemetry off, no heartbeat thread
(~1 s per run, useless for a process that is watching its own run), the temporary server's
shutdown tracebacks hidden, console logs at WARNING so `--json` output stays clean.
"""

from __future__ import annotations

import json

import typer

from flows.app import app
from flows.prefect_settings import quiet_prefect

run_app = typer.Typer(help="Run flows.", no_args_is_help=True)
app.add_typer(run_app, name="run")

def run_daily_flow(
    as_of: str | None, playbook: str | None, chunk_size: int, dispatcher: str, timezone: str, progress: bool
) -> dict:
    """Run the flow in this process; returns the contract summary (state included)."""
    quiet_prefect()
    from engine.contracts.timestamps import parse_date
    from engine.store.db import ready_engine
    from engine.store.playbooks import loaded_in_force

    day = parse_date(as_of).isoformat() if as_of else None
    loaded_in_force(ready_engine(), playbook)  # user errors before Prefect starts: exit 2, no flow run
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    import flows.daily as daily
    from flows.progress import progress_bar

    problem = daily.prefect_api_problem()
    if problem:
        typer.echo(f"arrears: {problem}", err=True)
        raise typer.Exit(1)
    done = [0]
    with (
        temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
        progress_bar("daily run", None) as advance,
    ):

        def hook(n: int, total: int) -> None:
            advance(n - done[0])
            done[0] = n

        daily.progress_hook = hook if progress else None
        state = daily.daily_strategy_run(
            as_of=day,
            playbook=playbook,
            chunk_size=chunk_size,
            dispatcher=dispatcher,
            timezone=timezone,
            return_state=True,
        )
    name = state.type.value if state.type else "UNKNOWN"
    if state.is_completed():
        result = state.result()
        return {"state": name, **result}
    return {"state": name, "flow_run_id": str(state.state_details.flow_run_id), "message": state.message}


@run_app.command("daily")
def daily(
    as_of: str | None = typer.Option(None, "--as-of", help="business date YYYY-MM-DD (default today)"),
    playbook: str | None = typer.Option(None, "--playbook", help="only this playbook (by name)"),
    chunk_size: int | None = typer.Option(
        None, "--chunk-size", min=1, max=5000, help="accounts per task (default $ARREARS_CHUNK_SIZE or 1000)"
    ),
    dispatcher: str = typer.Option("outbox", "--dispatcher", help="outbox (default) or file:PATH"),
    timezone: str = typer.Option("UTC", "--timezone", help="zone that defines 'today' without --as-of"),
    json_output: bool = typer.Option(False, "--json", help="print the contract summary as JSON"),
) -> None:
    """The daily strategy run as one Prefect flow run over the database."""
    import sys

    from engine.identity.users import record_act
    from engine.settings import get_settings
    from engine.store.db import ready_engine
    from flows.acting import acting_user

    user = acting_user("run.daily", "run daily")
    chunk_size = chunk_size or get_settings().chunk_size
    result = run_daily_flow(as_of, playbook, chunk_size, dispatcher, timezone, progress=sys.stderr.isatty())
    details = {"business_date": result.get("business_date"), "state": result["state"]}
    record_act(ready_engine(), user, "RUN_REQUESTED", result.get("flow_run_id"), details)
    contract = {
        "flow_run_id": result.get("flow_run_id"),
        "state": result["state"],
        "decided": result.get("decided", 0),
        "dispatched": result.get("dispatched", 0),
        "blocked": result.get("blocked", 0),
        "playbook_sha256": result.get("playbook_sha256"),
    }
    if json_output:
        typer.echo(
            json.dumps(
                {
                    **contract,
                    "business_date": result.get("business_date"),
                    "playbooks": result.get("playbooks", []),
                    "pending": result.get("pending"),
                    "message": result.get("message"),
                    "allocation": result.get("allocation"),
                },
                ensure_ascii=False,
            )
        )
    else:
        typer.echo(
            f"{contract['state']}: run {contract['flow_run_id']} for {result.get('business_date')}: "
            f"{contract['decided']} decided, {contract['dispatched']} contacts dispatched, "
            f"{contract['blocked']} actions blocked"
        )
    if result.get("message"):
        typer.echo(result["message"], err=True)
    if result["state"] != "COMPLETED":
        raise typer.Exit(1)
