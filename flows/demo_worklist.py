"""The demo's collectors' day (issue #11): approve the demo roster, then show one collector's
worklist and the overflow count. Kept apart from `flows/commands/demo.py` so the demo's
multi-day loop can call it in two lines:

    approve_demo_roster(engine)            # before the first daily run
    show_worklist(day.isoformat())         # after a day's run
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

DEMO_ROSTER = Path(__file__).resolve().parent.parent / "playbooks" / "rosters" / "demo.yaml"


def approve_demo_roster(engine: Any, maker: str = "strategist", checker: str = "risk-officer") -> dict[str, str]:
    """Activate and approve the shipped demo roster (maker-checker, two people); idempotent."""
    from engine.store.playbooks import activate, approve

    identity, _ = activate(engine, DEMO_ROSTER, maker)
    approve(engine, identity["sha256"], checker)
    return identity


def show_worklist(day: str, collector: str | None = None, echo: Callable[[str], Any] = typer.echo) -> None:
    """Print one collector's worklist of `day` (the busiest one unless named) and the overflow count."""
    from flows.commands.worklist import overflow_rows, worklist_rows

    rows = worklist_rows(day, None)
    if collector is None and rows:
        counts: dict[str, int] = {}
        for r in rows:
            counts[r["collector"]] = counts.get(r["collector"], 0) + 1
        collector = max(sorted(counts), key=lambda c: counts[c])
    mine = [r for r in rows if r["collector"] == collector]
    echo(
        f"Worklist of {collector or 'nobody'} on {day} ({len(mine)} slots; `arrears worklist --date {day} "
        f"--collector {collector}`):"
    )
    for r in mine[:10]:
        echo(
            f"  {r['slot'][11:16]}  #{r['position']:<3} {r['account_id']:<16} priority {r['priority']:<4} {r['reason']}"
        )
    if len(mine) > 10:
        echo(f"  … {len(mine) - 10} more")
    listed = overflow_rows(day)
    kinds = {k: sum(1 for r in listed if r["outcome"] == k) for k in ("overflow", "unslotted", "unplaced")}
    echo(
        f"Overflow: {kinds['overflow']} cases to the robot queue, {kinds['unslotted']} without a lawful slot, "
        f"{kinds['unplaced']} unplaced (`arrears worklist --date {day} --overflow`)"
    )
