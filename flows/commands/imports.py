"""`arrears import accounts|history|payments|promises FILE.jsonl`: load facts into the system of record.

Each says what happened, not just how many lines it read: `3 new accounts, 1 updated,
2 unchanged`, or `0 new payments, 1 already recorded` for a re-import that changed nothing
(payments and promises are never updated: other content under a known id is refused).

Run as the user of ARREARS_API_KEY (accounts: role ops; history, payments, promises: ops or
dialer); each import is then an audit line (`ACCOUNTS_IMPORTED`, … actor = that user).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from flows.app import app

if TYPE_CHECKING:  # the CLI imports the store only when a command runs
    from engine.store.imports import Imported

NOUNS = {"accounts": "account", "history": "history line", "payments": "payment", "promises": "promise"}

import_app = typer.Typer(
    help="Load account facts, contact history, payments and promises to pay (JSON Lines).", no_args_is_help=True
)
app.add_typer(import_app, name="import")


def summary(kind: str, done: Imported) -> str:
    """One line a person reads: what the import added, changed and found already there."""

    def noun(n: int) -> str:
        return NOUNS[kind] + ("" if n == 1 else "s")

    parts = [f"{done.new} new {noun(done.new)}"]
    if kind in ("accounts", "history"):
        parts += [f"{done.updated} updated", f"{done.unchanged} unchanged"]
    else:
        parts += [f"{done.unchanged} already recorded"]
    return ", ".join(parts)


def _run(kind: str, path: Path, json_output: bool) -> None:
    from engine.identity.users import record_act
    from engine.store.db import ready_engine
    from engine.store.imports import count_lines, import_accounts, import_history
    from engine.store.outcomes import import_payments, import_promises
    from flows.acting import acting_user
    from flows.progress import progress_bar

    user = acting_user(f"import.{kind}", f"import {kind}")
    engine = ready_engine()
    loaders = {
        "accounts": import_accounts,
        "history": import_history,
        "payments": import_payments,
        "promises": import_promises,
    }
    loader = loaders[kind]
    with progress_bar(f"importing {kind}", count_lines(path)) as advance:
        done = loader(engine, path, advance)
    record_act(engine, user, f"{kind.upper()}_IMPORTED", path.name, done.as_dict())
    if json_output:
        typer.echo(json.dumps({"file": str(path), "kind": kind, **done.as_dict()}))
    else:
        typer.echo(f"{path}: {summary(kind, done)}")


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


@import_app.command("payments")
def payments(
    path: Path = typer.Argument(..., help="payments, JSON Lines"),
    json_output: bool = typer.Option(False, "--json"),
) -> None:
    """Record payments by payment_id and lower balances; a bad line aborts the whole file (exit 2)."""
    _run("payments", path, json_output)


@import_app.command("promises")
def promises(
    path: Path = typer.Argument(..., help="promises to pay, JSON Lines"),
    json_output: bool = typer.Option(False, "--json"),
) -> None:
    """Record promises to pay by promise_id; a bad line aborts the whole file (exit 2)."""
    _run("promises", path, json_output)
