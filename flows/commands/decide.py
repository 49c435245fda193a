"""`arrears decide`: pure evaluation of one playbook over an accounts file, no database.

Output is written to a temporary file and published (renamed, or copied to stdout) only
after every input line was valid, so bad input never leaves a partial result.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from engine.contracts.history_index import HistoryIndex
from engine.contracts.timestamps import parse_at
from engine.decide.evaluator import Evaluator
from engine.decide.outcome_files import OutcomeFiles
from engine.decide.stream import decide_file
from engine.playbook.loader import load_playbook
from flows.app import app


class _Tally:
    """Counts actions and blocked actions as the evaluator's decisions stream past, for the
    `--out` summary line, without reading the output back."""

    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator
        self.actions = 0
        self.blocked = 0

    def decide(self, *args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        for decision in self.evaluator.decide(*args, **kwargs):
            self.actions += len(decision["actions"])
            self.blocked += len(decision["blocked"])
            yield decision


@app.command("decide")
def decide(
    playbook: Path = typer.Option(..., "--playbook", help="playbook YAML"),
    accounts: Path = typer.Option(..., "--accounts", help="account facts, JSON Lines"),
    history: Path | None = typer.Option(None, "--history", help="contact history, JSON Lines"),
    at: str | None = typer.Option(None, "--at", help="evaluation time, ISO 8601 with offset (default now)"),
    out: Path | None = typer.Option(None, "--out", help="decisions file (default stdout)"),
    engine: str = typer.Option("durable", "--engine", help="durable (default) or python (reference)"),
    promises: Path | None = typer.Option(None, "--promises", help="promises to pay, JSON Lines (as imported)"),
    payments: Path | None = typer.Option(None, "--payments", help="payments, JSON Lines (as imported)"),
) -> None:
    """One decision per account, in input order."""
    when = parse_at(at)
    loaded = load_playbook(playbook)
    outcomes = OutcomeFiles(promises, payments)
    from engine.compliance.adapter import default_gate

    evaluator = Evaluator(loaded, matcher="python" if engine == "python" else "durable", gate=default_gate(loaded))
    tally = _Tally(evaluator)
    target_dir = out.parent if out is not None else Path(tempfile.gettempdir())
    fd, tmp = tempfile.mkstemp(prefix=".decisions-", suffix=".jsonl", dir=target_dir)
    try:
        with HistoryIndex(history) as index, os.fdopen(fd, "w", encoding="utf-8") as handle:
            count = decide_file(tally, accounts, index, when, handle, outcomes=outcomes)  # type: ignore[arg-type]
        if out is not None:
            os.replace(tmp, out)
            typer.echo(
                f"decided {count} accounts: {tally.actions} actions, {tally.blocked} blocked by compliance -> {out}",
                err=True,
            )
        else:
            with open(tmp, encoding="utf-8") as handle:
                shutil.copyfileobj(handle, sys.stdout)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
