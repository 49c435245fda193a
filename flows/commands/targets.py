"""`arrears targets status --date DATE`: the approved month targets broken down to that day.

The targets are those approved for DATE's month (`arrears playbook activate` / `approve`);
the collected sums come from the record's payments (set-based SQL in `engine.store.targets`),
the arithmetic from `engine.playbook.targets.status` (conventions in docs/targets.md).
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

import typer

from engine.contracts.errors import InputError
from flows.app import app

if TYPE_CHECKING:
    from engine.playbook.targets import LoadedTargets

targets_app = typer.Typer(help="Monthly collection targets per queue: status.", no_args_is_help=True)
app.add_typer(targets_app, name="targets")


def _day(text: str) -> date:
    """Only the extended form YYYY-MM-DD, then the one reading of a date every command uses
    (`parse_date`: the contracts' year range included)."""
    from engine.contracts.timestamps import parse_date

    try:
        if len(text) != 10:
            raise ValueError("expected YYYY-MM-DD")
        date.fromisoformat(text)
    except ValueError as exc:
        raise InputError.at("--date", 1, 1, f"{text!r} is not a date (YYYY-MM-DD): {exc}") from None
    return parse_date(text, "--date")


@targets_app.command("status")
def status(
    day: str = typer.Option(..., "--date", help="the business date, YYYY-MM-DD"),
    json_output: bool = typer.Option(False, "--json", help="print the contract's JSON rows"),
) -> None:
    """Per queue: month target, collected to date, target to date, daily target, progress."""
    from engine.playbook.targets import status as compute
    from engine.store.db import ready_engine
    from engine.store.targets import approved_targets, collected_by_queue

    when = _day(day)
    engine = ready_engine()
    loaded = approved_targets(engine, when.strftime("%Y-%m"))
    first, _ = loaded.targets.bounds
    rows = compute(loaded.targets, when, collected_by_queue(engine, first, when))
    if json_output:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    for line in status_lines(loaded, when, rows):
        typer.echo(line)


def status_lines(loaded: LoadedTargets, when: date, rows: list[dict[str, str]]) -> list[str]:
    """The status rows as the table people read (queues and sums only, no personal data)."""
    t = loaded.targets
    lines = [
        f"{t.name} {t.version} ({loaded.sha256[:12]}), {t.month}, as of {when}",
        f"{'queue':<28}{'month target':>16}{'collected':>16}{'target to date':>16}{'daily':>14}{'progress':>10}",
    ]
    for r, target in zip(rows, t.targets, strict=True):
        lines.append(
            f"{r['queue']:<28}{r['month_target']:>16}{r['collected_to_date']:>16}{r['target_to_date']:>16}"
            f"{r['daily_target']:>14}{r['progress']:>10}  {t.currency_of(target)}"
        )
    return lines
