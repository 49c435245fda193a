"""Loading account facts and contact history from the contract's JSON Lines files.

Streaming (a few thousand records in memory at a time), idempotent (accounts upsert by
`account_id`, history by (account, instant, channel)), and all-or-nothing per file: the
whole file is one transaction, so a bad line rolls back everything and is named in the
error. History instants are keyed in UTC, so `09:00+08:00` and `01:00Z` are the same contact.

Every import says what it did, line by line (`Imported`): a line was new to the record,
replaced a record with other content, or matched one already there (a re-import of the
same file is all `unchanged`), so a user is never told "1 record imported" for a no-op.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select, tuple_

from engine.contracts.digest import sha256_text
from engine.contracts.facts import Account, HistoryEntry
from engine.contracts.jsonl import read_models
from engine.store.clock import iso_utc, now_iso
from engine.store.models import AccountRow, ContactHistoryRow, Debtor
from engine.store.upsert import upsert

BATCH = 2000
Progress = Callable[[int], None]


@dataclass
class Imported:
    """What one import did: each line read was `new`, `updated` (a record with the same key and
    other content, replaced) or `unchanged` (already on the record as it is)."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def read(self) -> int:
        return self.new + self.updated + self.unchanged

    def add(self, other: Imported) -> None:
        self.new, self.updated, self.unchanged = (
            self.new + other.new,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )

    def as_dict(self) -> dict[str, int]:
        return {"records": self.read, "new": self.new, "updated": self.updated, "unchanged": self.unchanged}


def classify(known: dict[Any, Any], lines: Iterable[tuple[Any, Any]]) -> Imported:
    """Count (key, content) lines in file order against `known` (key → content on the record),
    which is updated as it goes: a key repeated in the file counts against its previous line."""
    out = Imported()
    for key, content in lines:
        if key not in known:
            out.new += 1
        elif known[key] == content:
            out.unchanged += 1
        else:
            out.updated += 1
        known[key] = content
    return out


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


def _known_accounts(conn: Connection, batch: list[Account]) -> dict[Any, Any]:
    a = AccountRow.__table__
    ids = sorted({acc.account_id for acc in batch})
    return dict(conn.execute(select(a.c.account_id, a.c.facts_sha256).where(a.c.account_id.in_(ids))).all())


def import_accounts(engine: Engine, path: str | Path, progress: Progress | None = None) -> Imported:
    """Upsert every account of `path`; returns what each line did."""
    now, done, batch = now_iso(), Imported(), []
    with engine.begin() as conn:

        def flush() -> None:
            rows, debtors = _account_rows(batch, now)
            lines = ((acc.account_id, sha256_text(facts_json(acc))) for acc in batch)
            done.add(classify(_known_accounts(conn, batch), lines))
            upsert(conn, Debtor.__table__, debtors, ["debtor_id"])  # type: ignore[arg-type]
            upsert(conn, AccountRow.__table__, rows, ["account_id"])  # type: ignore[arg-type]
            if progress:
                progress(len(batch))
            batch.clear()

        for _, account in read_models(path, Account):
            batch.append(account)
            if len(batch) >= BATCH:
                flush()
        flush()
    return done


def history_row(entry: HistoryEntry, now: str) -> dict[str, Any]:
    return {
        "account_id": entry.account_id,
        "at": iso_utc(entry.at),
        "channel": entry.channel,
        "body": entry.model_dump_json(),
        "imported_at": now,
    }


def _known_history(conn: Connection, keys: list[tuple[str, str, str]]) -> dict[Any, Any]:
    h = ContactHistoryRow.__table__
    if not keys:
        return {}
    rows = conn.execute(
        select(h.c.account_id, h.c.at, h.c.channel, h.c.body).where(
            tuple_(h.c.account_id, h.c.at, h.c.channel).in_(sorted(set(keys)))
        )
    )
    return {(aid, at, channel): body for aid, at, channel, body in rows}


def import_history(engine: Engine, path: str | Path, progress: Progress | None = None) -> Imported:
    """Upsert every history line of `path` by (account, instant, channel); returns what each line
    did. A line that carries a `promise` also records that promise, as `arrears import promises`
    would (idempotent)."""
    return record_history(engine, read_models(path, HistoryEntry), str(path), progress)


def record_history(
    engine: Engine, entries: Iterable[tuple[int, HistoryEntry]], name: str, progress: Progress | None = None
) -> Imported:
    """The one writer of contact history: `(line, entry)` pairs already validated (from a file by
    `import_history`, from a request body by the HTTP API), in one transaction; `name` names
    their source in errors."""
    from engine.store.outcomes import record_history_promises  # outcomes builds on this module

    now, done = now_iso(), Imported()
    batch: dict[tuple[str, str, str], dict[str, Any]] = {}
    lines: list[tuple[tuple[str, str, str], str]] = []
    promised: list[tuple[int, HistoryEntry]] = []
    table = ContactHistoryRow.__table__
    key = ["account_id", "at", "channel"]
    with engine.begin() as conn:

        def flush() -> None:
            done.add(classify(_known_history(conn, list(batch)), lines))
            upsert(conn, table, list(batch.values()), key)  # type: ignore[arg-type]
            record_history_promises(conn, name, promised)
            if progress:
                progress(len(lines))
            batch.clear()
            lines.clear()
            promised.clear()

        for lineno, entry in entries:
            row = history_row(entry, now)
            row_key = (row["account_id"], row["at"], row["channel"])
            batch[row_key] = row
            lines.append((row_key, row["body"]))
            if entry.promise is not None:
                promised.append((lineno, entry))
            if len(lines) >= BATCH:
                flush()
        flush()
    return done


def parse_history_body(body: str) -> HistoryEntry:
    return HistoryEntry.model_validate(json.loads(body))
