"""`arrears decide` as a stream: accounts in, decisions out, in input order, bounded memory.

Accounts are read and validated in chunks; each chunk fetches its histories from the on-disk
index, is evaluated in one engine call, and is written out before the next is read. The
caller writes to a temporary file and publishes it only when the whole input was good.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from engine.decide import Evaluator
from engine.facts import Account
from engine.history_index import HistoryIndex
from engine.jsonl import read_models

CHUNK = 1000


def dumps(decision: dict[str, Any]) -> str:
    """One decision as a JSON line: key order as built, UTF-8, money as decimal strings."""
    return json.dumps(decision, ensure_ascii=False, separators=(",", ":"), default=str)


def chunks(path: str | Path, size: int = CHUNK) -> Iterator[list[Account]]:
    batch: list[Account] = []
    for _, account in read_models(path, Account):
        batch.append(account)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def decide_file(
    evaluator: Evaluator,
    accounts_path: str | Path,
    history: HistoryIndex,
    at: datetime,
    out: IO[str],
    chunk: int = CHUNK,
) -> int:
    count = 0
    for batch in chunks(accounts_path, chunk):
        histories = history.for_accounts([a.account_id for a in batch])
        for decision in evaluator.decide(batch, histories, at):
            out.write(dumps(decision))
            out.write("\n")
            count += 1
    return count
