"""`arrears serve`: the daily run and the nightly compliance audit on cron schedules, and the
emergency declare / stand-down deployments for ops to trigger from the Prefect UI.

Uses Prefect's own serving, so ops and auditors see, pause and trigger the deployments in
the Prefect UI, whose address `serve` prints first. Without a configured Prefect server
(`PREFECT_API_URL`), Prefect would use its temporary server, which has no UI (its `/` is a
404) and forgets everything when the process ends; so `serve` starts a real
`prefect server start` on 127.0.0.1 (UI on, port 4200 or the next free one, ~5–20 s) for as
long as it runs, and stops it on Ctrl-C. Every deployment parameter is passed explicitly:
deployment runs record only what was passed. See docs/operations.md for a long-lived server.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from flows.app import app

UI_PORT = 4200
SERVER_READY_SECONDS = 180.0
# The server `serve` starts: UI on, telemetry off, and task runs recorded within seconds and
# not lost at shutdown (see docs/operations.md: by default they appear ~60 s late).
SERVER_ENV = {
    "PREFECT_SERVER_UI_ENABLED": "true",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "200",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_READ_BATCH_SIZE": "200",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "1",
}


def daily_cron(at: str) -> str:
    from engine.contracts.timestamps import parse_hhmm

    try:
        hh, mm = parse_hhmm(at, allow_24=False)
    except ValueError:
        raise typer.BadParameter(f"--at {at!r}: expected HH:MM") from None
    return f"{mm} {hh} * * *"


def free_port(preferred: int) -> int:
    """`preferred` when nothing listens there on 127.0.0.1, else a port the OS hands out."""
    for port in (preferred, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise OSError("no free TCP port on 127.0.0.1")


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def start_prefect_server(port: int, log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`prefect server start` with its UI on 127.0.0.1:`port`, once its API answers.

    Its output goes to `log_path` (`--background` would hide it). Returns the process and
    the API URL; raises `RuntimeError` naming the log when it exits or does not answer.
    """
    api_url = f"http://127.0.0.1:{port}/api"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | SERVER_ENV
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + SERVER_READY_SECONDS
    while not _healthy(api_url):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_prefect_server(proc)
            raise RuntimeError(f"the Prefect server did not start on port {port}; its output is in {log_path}")
        time.sleep(0.5)
    return proc, api_url


def stop_prefect_server(proc: subprocess.Popen[bytes]) -> None:
    """End the server and the processes it started (its own session), politely first."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def configured_ui_url() -> str | None:
    """The UI of the Prefect server this process is configured for (env or profile), if any."""
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url is None:
        return None
    return settings.ui_url or settings.api.url.removesuffix("/").removesuffix("/api")


@contextmanager
def prefect_ui(port: int, state: Path) -> Iterator[str]:
    """The Prefect UI address; starts (and finally stops) a server when none is configured."""
    ui = configured_ui_url()
    if ui is not None:
        yield ui
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings

    typer.echo("no Prefect server configured (PREFECT_API_URL): starting one with its UI…", err=True)
    proc, api_url = start_prefect_server(free_port(port), state / "prefect-server.log")
    os.environ["PREFECT_API_URL"] = api_url  # flow runs started by the runner inherit it
    try:
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            yield api_url.removesuffix("/api")
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        stop_prefect_server(proc)


def build_deployments(
    at: str, audit_at: str, timezone: str, playbook: str | None, dispatcher: str, chunk_size: int, name: str
) -> list[Any]:
    """Every deployment `serve` publishes, each parameter passed explicitly."""
    from prefect.schedules import Cron

    from engine.settings import arrears_home
    from flows.compliance_audit import compliance_audit
    from flows.daily import daily_strategy_run
    from flows.emergency import emergency_declare, emergency_escalation, emergency_stand_down
    from flows.retrain import retrain_models

    parameters = {"as_of": None, "playbook": playbook, "chunk_size": chunk_size, "dispatcher": dispatcher,
                  "timezone": timezone}  # fmt: skip
    return [
        daily_strategy_run.to_deployment(
            name=name,
            schedules=[Cron(daily_cron(at), timezone=timezone)],
            parameters=parameters,
            tags=["arrears", "daily"],
            description="Every approved playbook over the portfolio, once per business day.",
        ),
        compliance_audit.to_deployment(
            name="nightly",
            schedules=[Cron(daily_cron(audit_at), timezone=timezone)],
            parameters={"label": None},
            tags=["arrears", "compliance"],
            description="Replay the whole contact log through the compliance packs; masked risk report.",
        ),
        retrain_models.to_deployment(
            name="weekly",
            schedules=[Cron("0 3 * * 0", timezone=timezone)],
            parameters={"specs_dir": str(arrears_home() / "models"), "as_of": None},
            tags=["arrears", "models"],
            description="Retrain every model spec in $ARREARS_HOME/models; activate only if not worse.",
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
    ui_port: int = typer.Option(UI_PORT, "--ui-port", help="port of the Prefect server started when none is set"),
) -> None:
    """Serve the daily strategy run as a scheduled Prefect deployment until interrupted."""
    from flows.prefect_settings import quiet_prefect

    quiet_prefect()
    from prefect import serve as prefect_serve

    from engine.settings import arrears_home, get_settings
    from engine.store.db import ready_engine
    from flows.acting import acting_user

    acting_user("serve", "serve")
    ready_engine()
    chunk_size = chunk_size or get_settings().chunk_size
    deployments = build_deployments(at, audit_at, timezone, playbook, dispatcher, chunk_size, name)
    with prefect_ui(ui_port, arrears_home()) as ui:
        typer.echo(f"Prefect UI: {ui} (deployments, runs, artifacts; trigger and pause here)")
        typer.echo(
            f"serving {', '.join(d.name for d in deployments)}: daily at {at}, audit at {audit_at} {timezone}. "
            "Trigger now: prefect deployment run 'daily-strategy-run/" + name + "'. Ctrl-C stops (schedules pause)."
        )
        prefect_serve(*deployments)
