"""`arrears validate PLAYBOOK...`: exit 0 when every file is valid, 2 otherwise.

Files: playbooks, emergency plans, targets files, rosters and model files (dispatched on `kind:`)."""

from __future__ import annotations

from pathlib import Path

import typer

from engine.contracts.errors import InputError, Problem
from engine.models.spec import declares_model, load_spec
from engine.playbook.loader import load_playbook
from engine.playbook.roster import declares_roster, load_roster
from engine.playbook.targets import declares_targets, load_targets
from flows.app import app


def _is_emergency_plan(path: Path) -> bool:
    """Emergency plans say `kind: emergency_plan` at the top; everything else is a playbook."""
    try:
        head = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False  # load_playbook reports it properly
    return any(line.strip() == "kind: emergency_plan" for line in head.splitlines() if not line.startswith(" "))


def _validate_one(path: Path) -> dict[str, str]:
    if _is_emergency_plan(path):
        from emergency.plan import load_plan

        loaded = load_plan(path)
        return {"name": loaded.plan.name, "version": f"plan v{loaded.plan.version}", "sha256": loaded.sha256}
    if declares_targets(path):
        return load_targets(path).identity
    if declares_roster(path):
        return load_roster(path).identity
    if declares_model(path):
        return load_spec(path).identity
    return load_playbook(path).identity


@app.command("validate")
def validate(
    playbooks: list[Path] = typer.Argument(..., help="playbook YAML files"),
    json_output: bool = typer.Option(False, "--json", help="print the identities as JSON"),
) -> None:
    """Validate playbooks (schema, conditions, templates, limits), emergency plans, targets, rosters, models."""
    import json

    problems: list[Problem] = []
    identities = []
    for path in playbooks:
        try:
            identities.append({"file": str(path), **_validate_one(path)})
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    if json_output:
        typer.echo(json.dumps(identities, ensure_ascii=False))
    else:
        for ident in identities:
            typer.echo(f"{ident['file']}: ok ({ident['name']} {ident['version']}, sha256 {ident['sha256'][:12]})")
