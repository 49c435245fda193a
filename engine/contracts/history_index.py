"""A contact-history file indexed by account on disk, so memory stays flat.

`H.jsonl` may be far larger than memory and in any order. It is validated line by line and
copied into a temporary SQLite file (stdlib `sqlite3`) keyed by (account, time, line); each
batch of accounts then fetches only its own entries. The temporary file is removed on close.
The one such index: `arrears decide` reads histories through it, and the compliance audit
adds its accounts table to the same file (`prepare`, `db`).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine.contracts.facts import HistoryEntry
from engine.contracts.jsonl import read_models

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(at: datetime) -> int:
    """An aware instant as integer microseconds since the epoch: exact, so ordering is too."""
    return (at - EPOCH) // timedelta(microseconds=1)


class HistoryIndex:
    """Table `h (account_id, at, line, body)`: `at` in `micros`, `line` the file line, `body` the entry's JSON."""

    def __init__(
        self, path: str | Path | None, *, prepare: Callable[[sqlite3.Connection], None] | None = None
    ) -> None:
        """Index `path` (None: no history); `prepare` runs on the empty file first, before the
        history is read (so faults in what it loads are reported before the history's)."""
        self._dir = tempfile.TemporaryDirectory(prefix="arrears-history-")
        self._db = sqlite3.connect(os.path.join(self._dir.name, "history.sqlite"))
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE h (account_id TEXT NOT NULL, at INTEGER NOT NULL, line INTEGER, body TEXT)")
        try:
            if prepare is not None:
                prepare(self._db)
            if path is not None:
                self._load(path)
        except BaseException:
            self.close()
            raise
        self._db.execute("CREATE INDEX h_account ON h (account_id, at, line)")
        self._db.execute("CREATE TABLE owner (account_id TEXT NOT NULL, debtor_id TEXT NOT NULL)")
        self._owners_indexed = False

    def register_owners(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Record which debtor owns which account, so a debtor's whole history can be read."""
        batch: list[tuple[str, str]] = []
        for pair in pairs:
            batch.append(pair)
            if len(batch) >= 5000:
                self._db.executemany("INSERT INTO owner VALUES (?,?)", batch)
                batch.clear()
        self._db.executemany("INSERT INTO owner VALUES (?,?)", batch)
        self._db.execute("CREATE INDEX owner_debtor ON owner (debtor_id, account_id)")
        self._owners_indexed = True

    def for_debtors(self, debtor_ids: Sequence[str]) -> dict[str, list[HistoryEntry]]:
        """Each debtor's entries across all their registered accounts, in time order."""
        out: dict[str, list[HistoryEntry]] = {}
        if not self._owners_indexed:
            return out
        unique = sorted(set(debtor_ids))
        for start in range(0, len(unique), 500):
            ids = unique[start : start + 500]
            marks = ",".join("?" * len(ids))
            rows = self._db.execute(
                "SELECT DISTINCT o.debtor_id, h.at, h.line, h.body FROM owner o JOIN h ON h.account_id = o.account_id "
                f"WHERE o.debtor_id IN ({marks}) ORDER BY o.debtor_id, h.at, h.line",
                ids,
            )
            for debtor_id, _, _, body in rows:
                out.setdefault(debtor_id, []).append(HistoryEntry.model_validate_json(body))
        return out

    @property
    def db(self) -> sqlite3.Connection:
        """The index's connection, for callers that query `h` alongside tables of their own."""
        return self._db

    def _load(self, path: str | Path) -> None:
        batch: list[tuple[str, int, int, str]] = []
        for lineno, entry in read_models(path, HistoryEntry):
            batch.append((entry.account_id, micros(entry.at), lineno, entry.model_dump_json()))
            if len(batch) >= 5000:
                self._db.executemany("INSERT INTO h VALUES (?,?,?,?)", batch)
                batch.clear()
        self._db.executemany("INSERT INTO h VALUES (?,?,?,?)", batch)

    def for_accounts(self, account_ids: Sequence[str]) -> dict[str, list[HistoryEntry]]:
        """Each account's entries in time order (file order among equal times)."""
        out: dict[str, list[HistoryEntry]] = {}
        for start in range(0, len(account_ids), 500):
            ids = list(account_ids[start : start + 500])
            marks = ",".join("?" * len(ids))
            rows = self._db.execute(
                f"SELECT account_id, body FROM h WHERE account_id IN ({marks}) ORDER BY account_id, at, line", ids
            )
            for account_id, body in rows:
                out.setdefault(account_id, []).append(HistoryEntry.model_validate_json(body))
        return out

    def accounts(self) -> Iterable[str]:
        return (row[0] for row in self._db.execute("SELECT DISTINCT account_id FROM h ORDER BY account_id"))

    def close(self) -> None:
        self._db.close()
        self._dir.cleanup()

    def __enter__(self) -> HistoryIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
