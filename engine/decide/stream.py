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

from engine.contracts.facts import Account, HistoryEntry
from engine.contracts.history_index import HistoryIndex
from engine.contracts.jsonl import read_models
from engine.decide.evaluator import Evaluator
from engine.decide.outcome_files import OutcomeFiles

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


def owners(path: str | Path) -> Iterator[tuple[str, str]]:
    """(account_id, debtor_id) of each well-formed line; the validating pass reports the rest."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the with below
    except OSError:
        return  # reported as an InputError by the validating pass
    with handle:
        for line in handle:
            try:
                raw = json.loads(line)
            except ValueError:  # JSON and UTF-8 faults alike
                continue
            if not isinstance(raw, dict):
                continue
            account_id, debtor_id = raw.get("account_id"), raw.get("debtor_id")
            if isinstance(account_id, str) and isinstance(debtor_id, str):
                yield account_id, debtor_id


def batches(
    accounts_path: str | Path, history: HistoryIndex, chunk: int = CHUNK
) -> Iterator[tuple[list[Account], dict[str, list[HistoryEntry]], dict[str, list[HistoryEntry]]]]:
    """The accounts of the file in chunks, each with its accounts' and its debtors' histories.

    The compliance gate sees each debtor's history across all their accounts in the file (a
    first, cheap pass records who owns what). `decide_file` and `arrears playbook diff` both
    evaluate what this yields, so they see the same accounts and history.
    """
    history.register_owners(owners(accounts_path))
    for batch in chunks(accounts_path, chunk):
        histories = history.for_accounts([a.account_id for a in batch])
        debtors = history.for_debtors([a.debtor_id for a in batch])
        yield batch, histories, debtors


def decide_file(
    evaluator: Evaluator,
    accounts_path: str | Path,
    history: HistoryIndex,
    at: datetime,
    out: IO[str],
    chunk: int = CHUNK,
    outcomes: OutcomeFiles | None = None,
) -> int:
    """Decide every account of the file, one JSON line each, in input order. Promises and
    payments come from `outcomes` and from history lines that carry a promise."""
    files = outcomes if outcomes is not None else OutcomeFiles()
    count = 0
    for batch, histories, debtors in batches(accounts_path, history, chunk):
        for decision in evaluator.decide(batch, histories, at, debtors, files.for_accounts(batch, histories)):
            out.write(dumps(decision))
            out.write("\n")
            count += 1
    files.check_all_placed()
    return count
