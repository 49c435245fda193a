"""`arrears validate PLAYBOOK...`: exit 0 when every playbook is valid, 2 otherwise."""

from __future__ import annotations

from pathlib import Path

import typer

from engine.errors import InputError, Problem
from engine.playbook_loader import load_playbook
from flows.app import app


@app.command("validate")
def validate(
    playbooks: list[Path] = typer.Argument(..., help="playbook YAML files"),
    json_output: bool = typer.Option(False, "--json", help="print the identities as JSON"),
) -> None:
    """Validate playbooks: schema, conditions, templates, compliance limits."""
    import json

    problems: list[Problem] = []
    identities = []
    for path in playbooks:
        try:
            loaded = load_playbook(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        identities.append({"file": str(path), **loaded.identity})
    if problems:
        raise InputError(problems)
    if json_output:
        typer.echo(json.dumps(identities, ensure_ascii=False))
    else:
        for ident in identities:
            typer.echo(f"{ident['file']}: ok ({ident['name']} {ident['version']}, sha256 {ident['sha256'][:12]})")
