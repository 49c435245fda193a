"""`arrears check`: the pre-contact compliance check of one proposed action.

Exit 0 when the action is allowed, 1 when it is blocked, 2 on bad input (an `InputError`
naming file, line and field — raised before anything is printed, so a dialer never reads a
partial verdict). `--json` prints exactly the contract's verdict object.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from emergency.repository import apply_to_verdict
from engine.contracts.facts import Account, Action, HistoryEntry
from engine.contracts.jsonl import read_json_file, read_models
from flows.app import app


def _playbook_limits(path: Path) -> Any:
    """The playbook's tightened compliance limits (validation errors surface as InputError)."""
    from engine.playbook.loader import load_playbook

    return load_playbook(path).compliance_limits


def _human(verdict_json: dict[str, Any]) -> str:
    if verdict_json["allowed"]:
        return "allowed"
    lines = ["blocked"]
    for v in verdict_json["violations"]:
        lines.append(f"  {v['rule']} ({v['citation']}): {v['reason']}")
    nxt = verdict_json["next_allowed_at"]
    lines.append(f"next allowed at: {nxt}" if nxt else "next allowed at: not time-bound (waiting will not help)")
    return "\n".join(lines)


@app.command("check")
def check_command(
    account: Path = typer.Option(..., "--account", help="the account facts (one JSON object)"),
    action: Path = typer.Option(..., "--action", help="the proposed action (one JSON object)"),
    history: Path | None = typer.Option(None, "--history", help="contact history (JSON Lines)"),
    playbook: Path | None = typer.Option(None, "--playbook", help="apply this playbook's tightened limits"),
    json_output: bool = typer.Option(False, "--json", help="print the verdict as JSON"),
) -> None:
    """Check one proposed contact against the account's compliance pack."""
    from engine.compliance.adapter import require_pack

    facts = read_json_file(account, Account)
    require_pack([facts.jurisdiction])  # fail closed: no pack, no verdict (exit 2)
    from engine.compliance.gate import check

    proposed = read_json_file(action, Action)
    entries = [entry for _, entry in read_models(history, HistoryEntry)] if history else []
    limits = _playbook_limits(playbook) if playbook else None
    verdict = check(facts, entries, proposed, limits=limits).to_json()
    verdict = apply_to_verdict(verdict, facts, proposed)  # the configured database's emergencies
    typer.echo(json.dumps(verdict, ensure_ascii=False) if json_output else _human(verdict))
    if not verdict["allowed"]:
        # SystemExit, not typer.Exit: flows.cli runs click with standalone_mode=False, where
        # click turns typer.Exit into a return value that main() currently discards.
        raise SystemExit(1)
