"""`arrears kpi`, `arrears kpi roll-rates`, `arrears kpi report`: KPIs from the record.

Rich tables for people, exactly the contract's JSON with `--json`. Bad dates, `--from`
after `--to` or an unknown `--by` exit 2 with the option named; nothing is written.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import typer

from engine.contracts.errors import InputError
from flows.app import app

kpi_app = typer.Typer(
    help="KPIs and roll rates per business date range (contract: KPIs and targets).",
    invoke_without_command=True,
)
app.add_typer(kpi_app, name="kpi")

FROM = typer.Option(None, "--from", help="first business date (YYYY-MM-DD)")
TO = typer.Option(None, "--to", help="last business date (YYYY-MM-DD)")
GRACE = typer.Option(
    None,
    "--grace-days",
    min=0,
    max=30,
    help="what-if: count every promise with N grace days instead of its deciding playbook's (default)",
)


def _range(frm: str | None, to: str | None) -> tuple[str, str]:
    """Both dates, valid and in order, or an InputError naming the option."""
    from engine.contracts.timestamps import parse_date

    for option, value in (("--from", frm), ("--to", to)):
        if value is None:
            raise InputError.at(option, 1, 1, f"{option} DATE is required")
    first, last = parse_date(frm, "--from"), parse_date(to, "--to")
    if first > last:
        raise InputError.at("--from", 1, 1, f"--from {first} is after --to {last}")
    return first.isoformat(), last.isoformat()


def print_table(title: str, rows: list[dict[str, Any]], columns: list[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    words = ("group", "from_bucket", "to_bucket", "date", "playbook")  # left-aligned; numbers right
    for name in columns:
        table.add_column(name, justify="left" if name in words else "right")
    for row in rows:
        table.add_row(*("—" if row[c] is None else str(row[c]) for c in columns))
    console = Console()
    if not console.is_terminal:  # piped: never cut a number short to fit 80 columns
        console.width = max(console.width, 200)
    console.print(table)


@kpi_app.callback()
def kpi(
    ctx: typer.Context,
    frm: str | None = FROM,
    to: str | None = TO,
    by: str | None = typer.Option(None, "--by", help="stage|queue|collector|playbook|group|jurisdiction"),
    grace_days: int | None = GRACE,
    json_output: bool = typer.Option(False, "--json"),
) -> None:
    """One KPI row per group over business dates [--from, --to]."""
    if ctx.invoked_subcommand is not None:
        return
    from engine.kpi.compare import attach, group_comparison
    from engine.kpi.queries import DIMENSIONS, FIELDS, kpi_rows
    from engine.store.db import ready_engine

    first, last = _range(frm, to)
    if by is not None and by not in DIMENSIONS:
        raise InputError.at("--by", 1, 1, f"--by {by!r}: expected one of {', '.join(DIMENSIONS)}")
    with ready_engine().connect() as conn:
        rows = kpi_rows(conn, first, last, by, grace_days)
        comparison = group_comparison(conn, first, last, grace_days) if by == "group" else None
    if json_output:
        typer.echo(json.dumps(attach(rows, comparison), ensure_ascii=False))
        return
    print_table(f"KPIs {first} … {last}" + (f" by {by}" if by else ""), rows, list(FIELDS))
    if comparison is not None:
        c = comparison
        typer.echo(
            f"recovery rate, challenger − champion: {c['difference']} "
            f"(95% CI {c['ci95_low']} … {c['ci95_high']}; {c['method']})"
        )


@kpi_app.command("roll-rates")
def roll_rates(frm: str | None = FROM, to: str | None = TO, json_output: bool = typer.Option(False, "--json")) -> None:
    """Accounts by dpd bucket on --from and on --to."""
    from engine.kpi.rollrates import roll_rates as query
    from engine.store.db import ready_engine

    first, last = _range(frm, to)
    with ready_engine().connect() as conn:
        cells = query(conn, first, last)
    if json_output:
        typer.echo(json.dumps(cells, ensure_ascii=False))
    else:
        print_table(f"Roll rates {first} → {last}", cells, ["from_bucket", "to_bucket", "accounts"])


@kpi_app.command("report")
def report(
    frm: str | None = FROM,
    to: str | None = TO,
    out: Path = typer.Option(..., "--out", help="the HTML file to write"),
    grace_days: int | None = GRACE,
) -> None:
    """An offline HTML report (charts embedded, no CDN), masked like every report."""
    from engine.store.db import ready_engine

    first, last = _range(frm, to)
    write_report(ready_engine(), first, last, out, grace_days)
    typer.echo(f"KPI report {first} … {last} written to {out}")


def write_report(engine: Any, first: str, last: str, out: Path, grace_days: int | None = None) -> Path:
    """The offline HTML report of [first, last], with the target burn-down of `last`'s month,
    written whole or not at all (through a temporary file)."""
    from engine.kpi.burndown import section
    from engine.kpi.report import build_report

    targets = section(engine, date.fromisoformat(last))
    with engine.connect() as conn:
        html = build_report(conn, first, last, grace_days, targets)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    return out
