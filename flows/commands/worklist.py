"""`arrears worklist --date DATE [--collector ID] [--overflow] [--json]`: the day's plan as recorded.

Reads the `allocations` the daily run wrote (`engine.run.allocate`); nothing is computed here.
The contract's rows `[{"collector", "position", "account_id", "slot", "priority", "reason"}]`
are ordered by slot (then collector). `--overflow` lists instead every case of the date that
is not in a worklist: overflowed to the robot queue, allocated but with no lawful slot, or in
an agency queue no agency takes (docs/allocation.md).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import typer

from engine.contracts.errors import InputError
from flows.app import app


def worklist_rows(day: str, collector: str | None) -> list[dict[str, Any]]:
    from engine.store.allocations import read_day
    from engine.store.db import ready_engine

    rows = [r for r in read_day(ready_engine(), day) if r.outcome == "collector" and r.slot is not None]
    if collector is not None:
        rows = [r for r in rows if r.collector == collector]
    rows.sort(key=lambda r: (datetime.fromisoformat(r.slot), r.collector, r.position))  # type: ignore[arg-type]
    keys = ("collector", "position", "account_id", "slot", "priority", "reason")
    return [{k: getattr(r, k) for k in keys} for r in rows]


def overflow_rows(day: str) -> list[dict[str, Any]]:
    from engine.store.allocations import read_day
    from engine.store.db import ready_engine

    out = []
    for r in read_day(ready_engine(), day):
        if r.outcome in ("overflow", "unplaced") or (r.outcome == "collector" and r.slot is None):
            kind = "unslotted" if r.outcome == "collector" else r.outcome
            out.append(
                {
                    "account_id": r.account_id,
                    "queue": r.queue,
                    "outcome": kind,
                    "collector": r.collector,
                    "overflow_to": r.overflow_to,
                    "priority": r.priority,
                    "reason": r.reason,
                }
            )
    return sorted(out, key=lambda r: (r["outcome"], -(r["priority"] or 0), r["account_id"]))


@app.command("worklist")
def worklist(
    day: str = typer.Option(..., "--date", help="the business date, YYYY-MM-DD"),
    collector: str | None = typer.Option(None, "--collector", help="one collector's worklist"),
    overflow: bool = typer.Option(False, "--overflow", help="list the cases in no worklist instead"),
    json_output: bool = typer.Option(False, "--json", help="print the contract's JSON rows"),
) -> None:
    """A collector's day (or every collector's): slots in order, each lawful and inside their hours."""
    from engine.contracts.timestamps import parse_date

    when = parse_date(day, "--date").isoformat()
    if overflow and collector is not None:
        raise InputError.at("--overflow", 1, 1, "--overflow lists the whole date: drop --collector")
    rows = overflow_rows(when) if overflow else worklist_rows(when, collector)
    if json_output:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    if overflow:
        for r in rows:
            typer.echo(
                f"{r['outcome']:<10} {r['account_id']:<20} {r['queue'] or '-':<24} p{r['priority']}  {r['reason']}"
            )
        typer.echo(f"{len(rows)} cases of {when} in no worklist")
        return
    for r in rows:
        typer.echo(
            f"{r['slot']}  {r['collector']:<12} #{r['position']:<4} {r['account_id']:<20} "
            f"p{r['priority']:<4} {r['reason']}"
        )
    typer.echo(f"{len(rows)} slots on {when}")
