"""`arrears playbook test P [FEATURES…]`: feature files run against one playbook file.

The scenarios use the shipped step library (engine/workbench/steps_given.py, steps_then.py);
the playbook each scenario names is answered by P when the name is P's own `name:` (or
"the playbook under test"), and a scenario about another playbook is skipped and says so.
Exit 0: every scenario that applies passed; 1: at least one failed; 2: bad input (the
playbook, a feature file, an unknown step — with file, line and the closest known steps —
or no scenario about this playbook at all).
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from engine.contracts.errors import InputError
from engine.playbook.loader import load_playbook
from engine.workbench.journey import PlaybookUnderTest
from engine.workbench.scenarios import Outcome, plan, run
from flows.commands.playbook import playbook_app

SHIPPED_FEATURES = Path(__file__).resolve().parents[2] / "features"


def _feature_files(given: list[Path]) -> list[Path]:
    """The files given (a folder means its `*.feature`), else the shipped journeys."""
    paths = given or [SHIPPED_FEATURES]
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob("*.feature"))
            if not found:
                raise InputError.at(str(path), 1, 1, "no *.feature file in this folder")
            files += found
        else:
            files.append(path)
    return files


def _print(outcomes: list[Outcome], name: str) -> None:
    feature = None
    for o in outcomes:
        if o.scenario.feature != feature:
            feature = o.scenario.feature
            typer.echo(feature)
        label = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}[o.status]
        note = f" — not run: {o.reason}" if o.status == "skipped" else ""
        typer.echo(f"  {label}  {o.scenario.name}  (line {o.scenario.line}){note}")
        if o.status == "failed" and o.step is not None:
            typer.echo(f"        failed at line {o.step.line}: {o.step.keyword}{o.step.text}")
            typer.echo(f"        expected: {o.step.text}")
            typer.echo("        got: " + o.reason.replace("\n", "\n             "))
    counts = {s: sum(o.status == s for o in outcomes) for s in ("passed", "failed", "skipped")}
    typer.echo(
        f"{len(outcomes)} scenarios on playbook {name}: {counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['skipped']} skipped (about other playbooks)"
    )


@playbook_app.command("test")
def test_command(
    playbook: Path = typer.Argument(..., help="the playbook YAML under test"),
    features: list[Path] = typer.Argument(None, help="feature files or folders (default: the shipped journeys)"),
    json_output: bool = typer.Option(False, "--json", help="one JSON object per scenario, in a list"),
) -> None:
    """Run feature files against PLAYBOOK with the shipped steps; report scenario by scenario."""
    loaded = load_playbook(playbook)
    scenarios = plan(_feature_files(list(features or [])))
    under_test = PlaybookUnderTest(loaded)
    outcomes = [run(s, under_test) for s in scenarios]
    if not any(o.status != "skipped" for o in outcomes):
        raise InputError.at(str(playbook), 1, 1, f"no scenario in these features is about playbook {under_test.name!r}")
    if json_output:
        typer.echo(json.dumps([o.as_json() for o in outcomes], ensure_ascii=False))
    else:
        _print(outcomes, f"{under_test.name} {loaded.identity['version']}")
    if any(o.status == "failed" for o in outcomes):
        raise typer.Exit(1)
