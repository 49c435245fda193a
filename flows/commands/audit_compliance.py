"""`arrears audit compliance`: replay a contact log through the compliance rules.

Writes the risk report (markdown and HTML) into `--out` and exits 1 when any violation was
found, 0 when none, 2 on bad input (nothing is written then).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from flows.app import audit_app


@audit_app.command("compliance")
def audit_compliance(
    history: Path = typer.Option(..., "--history", help="contact history (JSON Lines)"),
    accounts: Path = typer.Option(..., "--accounts", help="account facts (JSON Lines)"),
    out: Path = typer.Option(Path("."), "--out", help="folder for compliance-audit.md / .html"),
    playbook: Path | None = typer.Option(None, "--playbook", help="audit against this playbook's limits"),
    json_output: bool = typer.Option(False, "--json", help="print a JSON summary"),
) -> None:
    """Scan a contact log after the fact and write a compliance risk report."""
    from engine.compliance.audit import audit
    from engine.compliance.report import write_reports

    limits: Any = None
    if playbook is not None:
        from engine.playbook.loader import load_playbook

        limits = load_playbook(playbook).compliance_limits
    result = audit(history, accounts, limits=limits)
    md, html = write_reports(result, out)
    summary = {
        "accounts": result.accounts,
        "contacts_checked": result.contacts_checked,
        "violations": len(result.findings),
        "by_rule": {rule: n for rule, _, n in result.by_rule()},
        "report": {"markdown": str(md), "html": str(html)},
    }
    if json_output:
        typer.echo(json.dumps(summary, ensure_ascii=False))
    else:
        typer.echo(
            f"{summary['violations']} violation(s) in {result.contacts_checked} outbound contacts "
            f"of {result.accounts} accounts; report: {md}, {html}"
        )
        for rule, citation, n in result.by_rule():
            typer.echo(f"  {n:5d}  {rule} ({citation})")
    if result.findings:
        raise SystemExit(1)  # see flows.commands.check: typer.Exit is swallowed by flows.cli
