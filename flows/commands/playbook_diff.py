"""`arrears playbook diff OLD NEW` / `--against-active DRAFT`: what a playbook change does.

Both playbooks decide the same accounts with the same history at the same time (engine/workbench/diff.py).
Nothing is printed or written until the whole input was read and evaluated, so bad input
(exit 2, `FILE:LINE:COL: message`) never leaves a partial table or page behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import typer

from engine.contracts.errors import InputError
from engine.contracts.history_index import HistoryIndex
from engine.contracts.timestamps import parse_at
from engine.playbook.loader import LoadedPlaybook, load_playbook
from engine.workbench.diff import DiffReport
from engine.workbench.parallel import PlaybookRef, run_diff
from flows.commands.playbook import playbook_app


def _write_html(path: Path, page: str) -> None:
    """Publish the page whole (temporary file, then rename), never half-written."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".diff-", suffix=".html", dir=path.parent)
    except OSError as exc:
        raise InputError.at("--html", 1, 1, f"--html: cannot write next to {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(page)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _against_active(
    draft: LoadedPlaybook, draft_path: Path, when_text: str | None
) -> tuple[LoadedPlaybook, DiffReport, str]:
    """The approved version of the draft's name, over the record's accounts and history."""
    from zoneinfo import ZoneInfo

    from engine.store.db import ready_engine
    from engine.store.playbooks import loaded_in_force
    from engine.workbench.record import record_batches

    engine = ready_engine()
    [active] = loaded_in_force(engine, draft.playbook.name)
    when = parse_at(when_text)
    business_date = when.astimezone(ZoneInfo(active.playbook.timezone)).date().isoformat()
    scope = set(active.playbook.applies_to.jurisdictions) | set(draft.playbook.applies_to.jurisdictions)
    refs = (PlaybookRef(sha256=active.sha256), PlaybookRef(path=str(draft_path.resolve())))
    report = run_diff((active, draft), refs, record_batches(engine, scope, business_date), when)
    return active, report, when.isoformat()


def _files(
    paths: list[Path], accounts: Path, history: Path | None, when_text: str | None
) -> tuple[LoadedPlaybook, LoadedPlaybook, DiffReport, str]:
    from engine.decide.stream import batches

    old, new = load_playbook(paths[0]), load_playbook(paths[1])
    when = parse_at(when_text)
    refs = (PlaybookRef(path=str(paths[0].resolve())), PlaybookRef(path=str(paths[1].resolve())))
    with HistoryIndex(history) as index:
        report = run_diff((old, new), refs, batches(accounts, index), when)
    return old, new, report, when.isoformat()


@playbook_app.command("diff")
def diff_command(
    paths: list[Path] = typer.Argument(..., metavar="OLD NEW", help="two playbook files (one with --against-active)"),
    accounts: Path | None = typer.Option(None, "--accounts", help="account facts, JSON Lines"),
    history: Path | None = typer.Option(None, "--history", help="contact history, JSON Lines"),
    at: str | None = typer.Option(None, "--at", help="evaluation time, ISO 8601 with offset (default now)"),
    against_active: bool = typer.Option(
        False, "--against-active", help="compare DRAFT with the approved version of its name, over the record"
    ),
    json_output: bool = typer.Option(False, "--json", help="print the contract's JSON instead of the table"),
    html: Path | None = typer.Option(None, "--html", help="also write the diff as an HTML page to this file"),
) -> None:
    """Count, field by field, how the decisions change if NEW replaces OLD; show examples."""
    from engine.workbench import present

    if html is not None and not html.parent.is_dir():  # found now, not after the whole evaluation
        raise InputError.at("--html", 1, 1, f"--html: no folder {html.parent} to write {html.name} in")
    if against_active:
        if len(paths) != 1 or accounts is not None or history is not None:
            raise typer.BadParameter("--against-active takes one DRAFT playbook and reads accounts from the record")
        new = load_playbook(paths[0])
        old, report, when = _against_active(new, paths[0], at)
    else:
        if len(paths) != 2:
            raise typer.BadParameter("give OLD and NEW playbook files (or one DRAFT with --against-active)")
        if accounts is None:
            raise InputError.at("--accounts", 1, 1, "--accounts: required (or use --against-active)")
        old, new, report, when = _files(paths, accounts, history, at)
    if html is not None:
        _write_html(html, present.html(report, old.identity, new.identity, when))
    if json_output:
        typer.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        typer.echo(present.text(report, old.identity, new.identity), nl=False)
