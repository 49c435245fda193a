"""`arrears demo`: a fresh database, a synthetic portfolio, the shipped playbooks, one full day.

What a newcomer runs first (`make demo`): it exercises every step a real day has — import,
maker-checker approval by two people, the Prefect flow, the outbox, the audit trail — and
ends with what to look at next. The database lives in the demo's home folder, so the
`arrears audit …` commands it prints work as shown.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import typer

from engine.contracts.errors import InputError
from flows.app import app

MAKER, CHECKER = "demo-strategist", "demo-risk-officer"
MARKER = ".demo-home"


def _fresh_home(home: Path, reset: bool) -> Path:
    db = home / "arrears.sqlite"
    if db.exists() and not (home / MARKER).exists() and not reset:
        raise InputError.at(
            "--home", 1, 1, f"{db} exists and was not made by the demo: pass --reset to replace it, or --home DIR"
        )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    home.mkdir(parents=True, exist_ok=True)
    (home / MARKER).write_text("created by `arrears demo`; safe to delete\n")
    return db


# The playbooks shipped with the checkout, wherever the command is run from.
SHIPPED = Path(__file__).resolve().parents[2] / "playbooks"


def _strategy_playbooks(directory: Path) -> list[Path]:
    """Playbooks with stages (the emergency plan in the same folder is not a strategy)."""
    import yaml

    if not directory.is_dir():
        raise InputError.at("--playbooks", 1, 1, f"--playbooks: no such folder {directory}")
    out = []
    for path in sorted(directory.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(doc, dict) and "stages" in doc and "applies_to" in doc:
            out.append(path)
    return out


def _names(engine: Any, account_id: str) -> list[str]:
    """The debtor's name(s) on file, so the printed examples can mask them."""
    from sqlalchemy import select

    from engine.store.models import AccountRow

    with engine.connect() as conn:
        facts = conn.execute(select(AccountRow.facts).where(AccountRow.account_id == account_id)).scalar_one()
    name = json.loads(facts).get("attributes", {}).get("name")
    return [name, *name.split()] if isinstance(name, str) else []


def _top(counts: dict[str, int], n: int = 8) -> str:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return ", ".join(f"{k} {v}" for k, v in items) or "none"


def _seed(engine: Any, day: date, accounts: int) -> None:
    """Step 1: a synthetic CN/US/UK portfolio and its contact history, imported."""
    from engine.store.imports import count_lines, import_accounts, import_history
    from flows.progress import progress_bar
    from flows.synthetic import write_portfolio

    with tempfile.TemporaryDirectory(prefix="arrears-demo-") as tmp:
        at = datetime.combine(day, datetime.min.time(), UTC)
        a_path, h_path = write_portfolio(Path(tmp), accounts, at)
        with progress_bar("importing accounts", accounts) as advance:
            n_acc = import_accounts(engine, a_path, advance)
        with progress_bar("importing history", count_lines(h_path)) as advance:
            n_hist = import_history(engine, h_path, advance)
    typer.echo(f"1. imported {n_acc} synthetic accounts (CN/US/UK) and {n_hist} past contacts")


def _activate(engine: Any, playbooks_dir: Path) -> None:
    """Step 2: every strategy playbook activated by one person and approved by another."""
    from engine.store.playbooks import activate, approve

    for path in _strategy_playbooks(playbooks_dir):
        identity, _ = activate(engine, path, MAKER)
        approve(engine, identity["sha256"], CHECKER)
        typer.echo(
            f"2. {identity['name']} {identity['version']} ({identity['sha256'][:12]}): activated by {MAKER}, "
            f"approved by {CHECKER}"
        )


def _run_day(day: date) -> None:
    """Step 3: the daily strategy as a Prefect flow; a run that does not complete ends the demo."""
    from flows.commands.run import run_daily_flow

    echo = typer.echo
    echo("3. running the daily strategy as a Prefect flow (temporary local server, ~20 s)…")
    result = run_daily_flow(day.isoformat(), None, 1000, "outbox", "UTC", progress=True)
    if result["state"] != "COMPLETED":
        echo(f"the run ended {result['state']}: {result.get('message')}", err=True)
        raise typer.Exit(1)
    echo(
        f"   run {result['flow_run_id']}: {result['decided']} accounts decided, {result['dispatched']} contacts "
        f"written to the outbox, {result['blocked']} actions blocked by compliance"
    )
    echo(f"   by stage:      {_top(result['by_stage'])}")
    echo(f"   by channel:    {_top(result['by_channel'])}")
    echo(f"   by assignment: {_top(result['by_assignment'])}")
    echo(f"   blocked by:    {_top(result['blocked_by_rule'])}")


def _explain_three(engine: Any, day: date) -> list[str]:
    """Step 4: one contacted account per jurisdiction, its decision explained with personal data masked."""
    from engine.report.masking import mask_contact, mask_text
    from engine.store import audit_views

    echo = typer.echo
    echo("\n4. three decisions, explained (personal data masked):")
    contacts = audit_views.contacts(engine, day.isoformat())
    picks: list[str] = []
    for prefix in ("CN-", "US-", "UK-"):
        hit = next((c["account_id"] for c in contacts if c["account_id"].startswith(prefix)), None)
        if hit:
            picks.append(hit)
    for account_id in picks:
        d = audit_views.explain(engine, account_id, day.isoformat())
        echo(
            f"   {account_id}: {d['playbook']['name']} → stage {d['stage']}, "
            f"assigned {d['assignment']['kind']}/{d['assignment'].get('queue')}"
        )
        names = _names(engine, account_id)
        for a in d["actions"][:2]:
            text = " ".join((mask_text(a.get("text"), names) or "").split())
            echo(f"     {a['channel']} to {mask_contact(a.get('to'))} at {a['at']}: {text[:90]}…")
        for line in d["explanation"][:3]:
            echo(f"     why: {line}")
    return picks


def _next_steps(home: Path, day: date, first: str) -> None:
    """What to look at next, against the same database."""
    from engine.settings import database_url

    url = database_url()
    typer.echo(f"""
Explore (same database: export ARREARS_HOME={home}; the `arrears` command is in
.venv/bin — `source .venv/bin/activate` first when you came here through `make demo`):
  arrears audit runs --json
  arrears audit contacts --date {day} --account {first} --json
  arrears audit explain {first} --date {day}
  arrears audit verify
  arrears audit report --date {day}          # HTML, masked, in {home}/reports/
  arrears run daily --as-of {day} --json      # a rerun: re-evaluates, dispatches 0 new contacts
Prefect UI: the demo used a temporary Prefect server that stops with the command. To browse
runs, start one with `prefect server start` (http://127.0.0.1:4200), then
`export PREFECT_API_URL=http://127.0.0.1:4200/api` and rerun the day; see docs/operations.md.
Or `arrears serve`: it starts a Prefect server with its UI, prints the address, and serves the day's flows.
(database: {url})""")


@app.command("demo")
def demo(
    home: Path | None = typer.Option(None, "--home", help="state folder (default $ARREARS_HOME or ./.arrears)"),
    accounts: int = typer.Option(6000, "--accounts", min=5000, help="portfolio size (CN/US/UK)"),
    as_of: str | None = typer.Option(None, "--as-of", help="business date (default today)"),
    reset: bool = typer.Option(False, "--reset", help="replace an existing non-demo database in --home"),
    playbooks_dir: Path = typer.Option(SHIPPED, "--playbooks", help="folder of playbooks to activate"),
) -> None:
    """Seed a synthetic portfolio in a fresh database and run one day end to end."""
    from engine.settings import arrears_home

    home = (home or arrears_home()).resolve()
    db = _fresh_home(home, reset)
    os.environ["ARREARS_HOME"] = str(home)
    os.environ["ARREARS_DATABASE_URL"] = f"sqlite:///{db}"

    from engine.contracts.timestamps import parse_date
    from engine.store.db import ready_engine, upgrade
    from flows.demo_users import create_demo_users, keys_hint

    day = parse_date(as_of)
    typer.echo(f"Arrears demo in {home}")
    upgrade()
    engine = ready_engine()
    keys = create_demo_users(engine, home)
    _seed(engine, day, accounts)
    _activate(engine, playbooks_dir)
    _run_day(day)
    picks = _explain_three(engine, day)
    _next_steps(home, day, picks[0] if picks else "ACCOUNT")
    typer.echo(keys_hint(keys))
