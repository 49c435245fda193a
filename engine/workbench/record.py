"""The record's accounts and history as diff batches, read exactly as the daily run reads them.

`--against-active` compares a draft with what runs today, so it must see what the daily run
would: the same key-range chunks, the same histories (imported contacts plus what the outbox
sent before the business date) and each debtor's history across all their accounts.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Engine

from engine.run.daily import chunk_bounds, load_chunk
from engine.workbench.diff import Batch


def record_batches(engine: Engine, jurisdictions: set[str], business_date: str, size: int = 1000) -> Iterator[Batch]:
    """Every account of the record in these jurisdictions, in account_id order, in chunks."""
    for lo, hi in chunk_bounds(engine, jurisdictions, size):
        accounts, histories, _facts, debtors = load_chunk(engine, lo, hi, jurisdictions, business_date)
        yield accounts, histories, debtors
