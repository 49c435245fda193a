"""The demo's closed loop: several business days in a row, simulated customers between them.

Each business date: the daily strategy runs (one Prefect flow run, `flows.commands.run`),
then the behaviour model (`engine.simulate`) answers the contacts that run dispatched and
brings in promises and payments up to the next business date, written through the CLI's
import paths. At the end: the KPI table (`arrears kpi` rows, one per date and the whole
range), the target progress (`arrears targets status` rows of the last date) and the offline
HTML report (`arrears kpi report`). Counts, queues and sums only: no personal data is printed.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer

# The shipped targets were set for a 6,000-account book; the demo scales them to its own.
SHIPPED_BOOK = 6000


def business_days(start: date, n: int) -> list[date]:
    """`n` working days (Monday–Friday) from `start` on (a weekend start moves to Monday)."""
    days, day = [], start
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def next_business_day(day: date) -> date:
    return business_days(day + timedelta(days=1), 1)[0]


def demo_targets(shipped: Path, folder: Path, month: str, accounts: int) -> Path:
    """A targets file for `month`: the shipped queues and amounts scaled to the demo's book."""
    import yaml

    doc = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    scale = Decimal(accounts) / Decimal(SHIPPED_BOOK)
    doc.update({"name": "demo-targets", "version": f"demo-{month}", "month": month})
    doc.pop("holidays", None)
    for target in doc["targets"]:
        target["collected"] = str(
            max(Decimal("1.00"), (Decimal(str(target["collected"])) * scale).quantize(Decimal("0.01")))
        )
    path = folder / f"targets-{month}.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text("# written by `arrears demo`\n" + yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def _top(counts: dict[str, int], n: int = 8) -> str:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return ", ".join(f"{k} {v}" for k, v in items) or "none"


def run_day(day: date, progress: bool) -> dict[str, Any]:
    """One daily run as a Prefect flow; a run that does not complete ends the demo (exit 1)."""
    from flows.commands.run import run_daily_flow

    result = run_daily_flow(day.isoformat(), None, 1000, "outbox", "UTC", progress=progress)
    if result["state"] != "COMPLETED":
        typer.echo(f"the run of {day} ended {result['state']}: {result.get('message')}", err=True)
        raise typer.Exit(1)
    typer.echo(
        f"   {day}: run {result['flow_run_id']}: {result['decided']} decided, {result['dispatched']} contacts "
        f"dispatched, {result['blocked']} actions blocked by compliance"
    )
    if progress:  # the first day's make-up, once
        for label in ("by_stage", "by_channel", "by_assignment", "blocked_by_rule"):
            typer.echo(f"   {'':10}  {label.replace('_', ' ') + ':':<17}{_top(result[label])}")
    return result


def simulate(engine: Any, seed: int, day: date, until: date, workdir: Path) -> None:
    """The simulated customers' answers to the day's contacts, up to the next business date."""
    from engine.simulate.record import simulate_between

    s = simulate_between(engine, seed, day, until, workdir)
    typer.echo(
        f"   {'':10}  customers: {s.contacts} contacts took place, {s.conversations} conversations (call-ins "
        f"included), {s.promises.new} promises, {s.payments.new} payments, "
        f"{s.complaints.new + s.complaints.updated} complaints"
    )


def run_days(engine: Any, days: list[date], seed: int, workdir: Path) -> None:
    """Every business date in turn: the run, then the customers until the next date."""
    typer.echo(
        f"3. {len(days)} business days, each a Prefect flow run, simulated customers (seed {seed}) between them:"
    )
    for i, day in enumerate(days):
        run_day(day, progress=i == 0)
        simulate(engine, seed, day, next_business_day(day), workdir)


def kpi_table(engine: Any, days: list[date]) -> list[dict[str, Any]]:
    """`arrears kpi` rows: one per business date (group = the date), then the whole range."""
    from engine.kpi.queries import FIELDS, kpi_rows
    from flows.commands.kpi import print_table

    first, last = days[0].isoformat(), days[-1].isoformat()
    rows = []
    with engine.connect() as conn:
        for day in days:
            rows += [{**r, "group": day.isoformat()} for r in kpi_rows(conn, day.isoformat(), day.isoformat())]
        rows += [{**r, "group": f"{first} … {last}"} for r in kpi_rows(conn, first, last)]
    typer.echo("\n5. KPIs (`arrears kpi --from D --to D`), per business date and for the whole range:")
    print_table(f"KPIs {first} … {last}", rows, list(FIELDS))
    return rows


def target_progress(engine: Any, day: date) -> None:
    """The `arrears targets status` rows of the last date, when its month has approved targets."""
    from engine.kpi.burndown import status_on
    from flows.commands.targets import status_lines

    typer.echo(f"\n6. target progress on {day} (`arrears targets status --date {day}`):")
    found = status_on(engine, day)
    if found is None:
        typer.echo("   no approved targets for this month")
        return
    for line in status_lines(found[0], day, found[1]):
        typer.echo(f"   {line}")


def report(engine: Any, days: list[date], home: Path) -> Path:
    """The offline HTML report of the range (`arrears kpi report`), in the demo's reports folder."""
    from flows.commands.kpi import write_report

    first, last = days[0].isoformat(), days[-1].isoformat()
    out = write_report(engine, first, last, home / "reports" / f"kpi-{first}-{last}.html")
    typer.echo(f"\n7. KPI report with the target burn-down (offline HTML, masked): {out}")
    return out
