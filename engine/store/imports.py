"""Loading account facts and contact history from the contract's JSON Lines files.

Streaming (a few thousand records in memory at a time), idempotent (accounts upsert by
`account_id`, history by (account, instant, channel)), and all-or-nothing per file: the
whole file is one transaction, so a bad line rolls back everything and is named in the
error. History instants are keyed in UTC, so `09:00+08:00` and `01:00Z` are the same contact.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from engine.contracts.digest import sha256_text
from engine.contracts.facts import Account, HistoryEntry
from engine.contracts.jsonl import read_models
from engine.store.clock import iso_utc, now_iso
from engine.store.models import AccountRow, ContactHistoryRow, Debtor
from engine.store.upsert import upsert

BATCH = 2000
Progress = Callable[[int], None]


def count_lines(path: str | Path) -> int:
    """Lines in a file (for a progress bar's total); 0 when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return 0


def facts_json(account: Account) -> str:
    return account.model_dump_json(exclude_defaults=False)


def _account_rows(batch: list[Account], now: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    accounts: dict[str, dict[str, Any]] = {}
    debtors: dict[str, dict[str, Any]] = {}
    for a in batch:
        facts = facts_json(a)
        accounts[a.account_id] = {
            "account_id": a.account_id,
            "debtor_id": a.debtor_id,
            "jurisdiction": a.jurisdiction,
            "product": a.product,
            "balance": format(a.balance, "f"),
            "dpd": a.dpd,
            "facts": facts,
            "facts_sha256": sha256_text(facts),
            "updated_at": now,
        }
        debtors[a.debtor_id] = {"debtor_id": a.debtor_id, "jurisdiction": a.jurisdiction, "updated_at": now}
    return list(accounts.values()), list(debtors.values())


def import_accounts(engine: Engine, path: str | Path, progress: Progress | None = None) -> int:
    """Upsert every account of `path`; returns how many lines were loaded."""
    now, count, batch = now_iso(), 0, []
    with engine.begin() as conn:

        def flush() -> None:
            rows, debtors = _account_rows(batch, now)
            upsert(conn, Debtor.__table__, debtors, ["debtor_id"])  # type: ignore[arg-type]
            upsert(conn, AccountRow.__table__, rows, ["account_id"])  # type: ignore[arg-type]
            if progress:
                progress(len(batch))
            batch.clear()

        for _, account in read_models(path, Account):
            batch.append(account)
            count += 1
            if len(batch) >= BATCH:
                flush()
        flush()
    return count


def history_row(entry: HistoryEntry, now: str) -> dict[str, Any]:
    return {
        "account_id": entry.account_id,
        "at": iso_utc(entry.at),
        "channel": entry.channel,
        "body": entry.model_dump_json(),
        "imported_at": now,
    }


def import_history(engine: Engine, path: str | Path, progress: Progress | None = None) -> int:
    """Upsert every history line of `path` by (account, instant, channel); a line that carries
    a `promise` also records that promise, as `arrears import promises` would (idempotent)."""
    from engine.store.outcomes import record_history_promises  # outcomes builds on this module

    now, count, name = now_iso(), 0, str(path)
    batch: dict[tuple[str, str, str], dict[str, Any]] = {}
    promised: list[tuple[int, HistoryEntry]] = []
    table = ContactHistoryRow.__table__
    key = ["account_id", "at", "channel"]

    def flush(conn: Any) -> None:
        upsert(conn, table, list(batch.values()), key)  # type: ignore[arg-type]
        record_history_promises(conn, name, promised)
        if progress:
            progress(len(batch))
        batch.clear()
        promised.clear()

    with engine.begin() as conn:
        for lineno, entry in read_models(path, HistoryEntry):
            row = history_row(entry, now)
            batch[(row["account_id"], row["at"], row["channel"])] = row
            if entry.promise is not None:
                promised.append((lineno, entry))
            count += 1
            if len(batch) >= BATCH:
                flush(conn)
        flush(conn)
    return count


def parse_history_body(body: str) -> HistoryEntry:
    return HistoryEntry.model_validate(json.loads(body))
