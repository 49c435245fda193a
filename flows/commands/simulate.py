"""`arrears simulate`: a playbook (and a challenger) over N business days of simulated customers.

Contract (Strategy workbench): per business date and playbook, the KPI row of `arrears kpi`
(`flows.simulate_run` runs each playbook in a temporary database of its own; the user's
database is never opened). `--json` prints one JSON object per line, `{"date", "playbook":
"champion"|"challenger", "name", "version", "sha256", ...KPI fields}`, dates in order, the
champion before the challenger; the same inputs and seed give byte-identical output (no
clock, no run id in it). Every contact the simulation dispatched is then replayed through the
compliance audit with the playbook's limits: a finding ends the command with exit 1 and the
findings on stderr (fail closed: a strategy that breaks a rule has no KPIs worth reading).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import typer

from engine.contracts.errors import InputError
from flows.app import app

# Default first business date: fixed, so that the output depends on the inputs alone.
DEFAULT_START = "2026-12-07"
KPI_FIELDS = ("accounts", "contacted", "right_party_contacts", "promises_made", "promises_kept",
              "promises_broken", "collected", "opening_balance", "recovery_rate", "paid")  # fmt: skip


def _exists(path: Path, option: str) -> Path:
    if not path.is_file():
        raise InputError.at(str(path), 1, 1, f"{option}: no such file")
    return path


def _run(label: str, playbook: Path, accounts: Path, history: Path | None, days: list, seed: int, tmp: Path) -> Any:
    from flows.simulate_run import compliance_findings, simulate_playbook

    sim = simulate_playbook(playbook, accounts, history, days, seed, tmp / label)
    findings = compliance_findings(sim)
    if findings:
        for f in findings:
            typer.echo(f"{label}: {f.rule} on {f.account_id} {f.channel} at {f.at.isoformat()}: {f.reason}", err=True)
        typer.echo(f"{label}: {len(findings)} simulated contacts break a compliance rule", err=True)
        raise typer.Exit(1)
    return sim


def _rows(label: str, sim: Any) -> list[dict[str, Any]]:
    ident = {"name": sim.playbook["name"], "version": sim.playbook["version"], "sha256": sim.playbook["sha256"]}
    return [{"date": r["date"], "playbook": label, **ident, **{k: r[k] for k in KPI_FIELDS}} for r in sim.rows]


@app.command("simulate")
def simulate(
    playbook: Path = typer.Option(..., "--playbook", help="the champion playbook (YAML)"),
    challenger: Path | None = typer.Option(None, "--challenger", help="a challenger playbook over the same customers"),
    accounts: Path = typer.Option(..., "--accounts", help="accounts (JSON Lines, the import contract)"),
    history: Path | None = typer.Option(None, "--history", help="past contact history (JSON Lines)"),
    days: int = typer.Option(..., "--days", help="business days to simulate (1–60)"),
    seed: int = typer.Option(..., "--seed", help="seed of the simulated customers' behaviour"),
    start: str = typer.Option(DEFAULT_START, "--start", help="first business date (a weekend moves to Monday)"),
    as_json: bool = typer.Option(False, "--json", help="one JSON object per date and playbook"),
    html: Path | None = typer.Option(None, "--html", help="write the recovery curves side by side (offline HTML)"),
) -> None:
    """Run N business days of simulated customers against a playbook (and a challenger): KPIs per day."""
    from engine.contracts.timestamps import parse_date
    from flows.demo_loop import business_days

    if not 1 <= days <= 60:
        raise InputError.at("--days", 1, 1, f"--days: {days} is not between 1 and 60")
    dates = business_days(parse_date(start, "--start"), days)
    runs = [("champion", _exists(playbook, "--playbook"))]
    if challenger is not None:
        runs.append(("challenger", _exists(challenger, "--challenger")))
    _exists(accounts, "--accounts")
    if history is not None:
        _exists(history, "--history")
    with tempfile.TemporaryDirectory(prefix="arrears-simulate-") as tmp:
        sims = {label: _run(label, path, accounts, history, dates, seed, Path(tmp)) for label, path in runs}
        rows = sorted((r for label, sim in sims.items() for r in _rows(label, sim)),
                      key=lambda r: (r["date"], r["playbook"] != "champion"))  # fmt: skip
        if html is not None:
            from engine.kpi.curves import write_curves

            write_curves(html, {label: (sim.playbook, sim.curve) for label, sim in sims.items()}, seed)
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    from flows.commands.kpi import print_table

    print_table(f"simulated {dates[0]} … {dates[-1]}, seed {seed}", rows, ["date", "playbook", *KPI_FIELDS])
