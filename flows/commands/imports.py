"""`arrears import accounts|history FILE.jsonl`: load facts into the system of record."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from flows.app import app

import_app = typer.Typer(help="Load account facts and contact history (JSON Lines).", no_args_is_help=True)
app.add_typer(import_app, name="import")


def _run(kind: str, path: Path, json_output: bool) -> None:
    from engine.store.db import ready_engine
    from engine.store.imports import count_lines, import_accounts, import_history
    from flows.progress import progress_bar

    engine = ready_engine()
    loader = import_accounts if kind == "accounts" else import_history
    with progress_bar(f"importing {kind}", count_lines(path)) as advance:
        n = loader(engine, path, advance)
    if json_output:
        typer.echo(json.dumps({"file": str(path), "kind": kind, "records": n}))
    else:
        typer.echo(f"{path}: {n} {kind} records imported")


@import_app.command("accounts")
def accounts(
    path: Path = typer.Argument(..., help="account facts, JSON Lines"),
    json_output: bool = typer.Option(False, "--json"),
) -> None:
    """Upsert accounts by account_id; a bad line aborts the whole file (exit 2)."""
    _run("accounts", path, json_output)


@import_app.command("history")
def history(
    path: Path = typer.Argument(..., help="contact history, JSON Lines"),
    json_output: bool = typer.Option(False, "--json"),
) -> None:
    """Upsert contact history by (account, instant, channel); a bad line aborts the whole file."""
    _run("history", path, json_output)
