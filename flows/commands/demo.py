"""`arrears demo`: a fresh database, a synthetic portfolio, the shipped playbooks, the closed loop.

What a newcomer runs first (`make demo`): it exercises every step a real day has — import,
maker-checker approval by two people, the Prefect flow, the outbox, the audit trail — over
several business days in a row, with simulated customers answering, promising and paying
between them (`flows.demo_loop`, `engine.simulate`), and ends with the KPI table, the target
progress, the HTML report and what to look at next. The database lives in the demo's home
folder, so the `arrears …` commands it prints work as shown.
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


def _seed(engine: Any, day: date, accounts: int) -> None:
    """Step 1: a synthetic CN/US/UK portfolio and its contact history, imported."""
    from engine.store.imports import count_lines, import_accounts, import_history
    from flows.progress import progress_bar
    from flows.synthetic import write_portfolio

    with tempfile.TemporaryDirectory(prefix="arrears-demo-") as tmp:
        at = datetime.combine(day, datetime.min.time(), UTC)
        a_path, h_path = write_portfolio(Path(tmp), accounts, at)
        with progress_bar("importing accounts", accounts) as advance:
            n_acc = import_accounts(engine, a_path, advance).read
        with progress_bar("importing history", count_lines(h_path)) as advance:
            n_hist = import_history(engine, h_path, advance).read
    typer.echo(f"1. imported {n_acc} synthetic accounts (CN/US/UK) and {n_hist} past contacts")


def _activate(engine: Any, playbooks_dir: Path, targets: list[Path]) -> None:
    """Step 2: every strategy playbook and the demo's targets, activated by one person and
    approved by another."""
    from engine.store.playbooks import activate, approve
    from flows.demo_worklist import DEMO_ROSTER

    for path in [*_strategy_playbooks(playbooks_dir), *targets, DEMO_ROSTER]:
        identity, _ = activate(engine, path, MAKER)
        approve(engine, identity["sha256"], CHECKER)
        typer.echo(
            f"2. {identity['name']} {identity['version']} ({identity['sha256'][:12]}): activated by {MAKER}, "
            f"approved by {CHECKER}"
        )


def _targets_files(playbooks_dir: Path, home: Path, days: list[date], accounts: int) -> list[Path]:
    """The demo's targets, one file per month the days touch, from the shipped example."""
    from flows.demo_loop import demo_targets

    shipped = sorted((playbooks_dir / "targets").glob("*.yaml"))
    if not shipped:
        return []
    months = sorted({d.strftime("%Y-%m") for d in days})
    return [demo_targets(shipped[0], home / "targets", month, accounts) for month in months]


def _explain_three(engine: Any, day: date) -> list[str]:
    """Step 4: one contacted account per jurisdiction, its decision explained with personal data masked."""
    from engine.report.masking import mask_contact, mask_text
    from engine.store import audit_views

    echo = typer.echo
    echo(f"\n4. three decisions of {day}, explained (personal data masked):")
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


def _next_steps(home: Path, days: list[date], first: str) -> None:
    """What to look at next, against the same database."""
    from engine.settings import database_url

    url, day = database_url(), days[-1]
    typer.echo(f"""
Explore (same database: export ARREARS_HOME={home}; the `arrears` command is in
.venv/bin — `source .venv/bin/activate` first when you came here through `make demo`):
  arrears kpi --from {days[0]} --to {day} --by jurisdiction
  arrears targets status --date {day}
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
    accounts: int = typer.Option(6000, "--accounts", min=50, help="portfolio size (CN/US/UK)"),
    as_of: str | None = typer.Option(None, "--as-of", help="first business date (default today)"),
    days: int = typer.Option(5, "--days", min=1, max=23, help="business days to run in a row"),
    seed: int = typer.Option(7, "--seed", help="seed of the simulated customers' behaviour"),
    reset: bool = typer.Option(False, "--reset", help="replace an existing non-demo database in --home"),
    playbooks_dir: Path = typer.Option(SHIPPED, "--playbooks", help="folder of playbooks to activate"),
) -> None:
    """Seed a synthetic portfolio, run several business days with simulated customers between them,
    then print the KPI table, the target progress and where the HTML report is."""
    from engine.settings import arrears_home

    home = (home or arrears_home()).resolve()
    db = _fresh_home(home, reset)
    os.environ["ARREARS_HOME"] = str(home)
    os.environ["ARREARS_DATABASE_URL"] = f"sqlite:///{db}"

    from engine.contracts.timestamps import parse_date
    from engine.store.db import ready_engine, upgrade
    from flows import demo_loop
    from flows.demo_users import create_demo_users, keys_hint
    from flows.demo_worklist import show_worklist

    dates = demo_loop.business_days(parse_date(as_of), days)
    typer.echo(f"Arrears demo in {home}: {dates[0]} … {dates[-1]}")
    upgrade()
    engine = ready_engine()
    keys = create_demo_users(engine, home)
    _seed(engine, dates[0], accounts)
    _activate(engine, playbooks_dir, _targets_files(playbooks_dir, home, dates, accounts))
    demo_loop.run_days(engine, dates, seed, home / "simulated")
    picks = _explain_three(engine, dates[-1])
    demo_loop.kpi_table(engine, dates)
    demo_loop.target_progress(engine, dates[-1])
    show_worklist(dates[-1].isoformat())
    demo_loop.report(engine, dates, home)
    _next_steps(home, dates, picks[0] if picks else "ACCOUNT")
    typer.echo(keys_hint(keys))
