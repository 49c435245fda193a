"""Per-account values of a program's operands: account fields and history aggregates.

The rules engine only compares flat values, so everything a condition reads is computed here
once per account: `dpd`, `attributes.x`, `'vulnerable' in flags` (read as the `flags` list),
`count(outcome == 'read_no_reply', days=7)` over that account's contact history, and the
promise facts (`promise.state`, `promises_broken(days=30)`, `paid(days=7)`) from the account's
`PromiseFacts` on the evaluation date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from engine.compile.condition_ast import Aggregate, Field
from engine.compile.fields import (
    HISTORY_FIELDS,
    OUTCOME_AGGREGATES,
    PROMISE_FIELDS,
    read_account_field,
    read_promise_field,
)
from engine.compile.reference import evaluate
from engine.contracts.facts import Account, HistoryEntry
from engine.contracts.promises import PromiseFacts

DAY = timedelta(days=1)


def _history_reader(entry: HistoryEntry):
    def read(operand: Field | Aggregate) -> Any:
        assert isinstance(operand, Field)
        return HISTORY_FIELDS[operand.name][1](entry)

    return read


def aggregate(agg: Aggregate, history: Sequence[HistoryEntry], at: datetime) -> int | None:
    """`count(...)` or `days_since(...)` over entries up to `at` (later entries are ignored)."""
    since = at - agg.days * DAY if agg.days else None
    matching = [
        h
        for h in history
        if h.at <= at and (since is None or h.at > since) and evaluate(agg.predicate, _history_reader(h))
    ]
    if agg.func == "count":
        return len(matching)
    if not matching:
        return None
    latest = max(h.at for h in matching)
    return (at - latest) // DAY


def _outcome_aggregate(agg: Aggregate, facts: PromiseFacts) -> Any:
    return facts.broken_within(agg.days) if agg.func == "promises_broken" else facts.paid_within(agg.days)


def operand_value(
    operand: Field | Aggregate,
    account: Account,
    history: Sequence[HistoryEntry],
    at: datetime,
    promises: PromiseFacts | None = None,
) -> Any:
    """One operand's value; promise facts read `promises` (no promise and no payment when None)."""
    if isinstance(operand, Aggregate):
        if operand.func in OUTCOME_AGGREGATES:
            return _outcome_aggregate(operand, promises or PromiseFacts(at.date()))
        return aggregate(operand, history, at)
    if operand.name in PROMISE_FIELDS:
        return read_promise_field(operand.name, promises or PromiseFacts(at.date()))
    return read_account_field(operand.name, account, at)


def operand_values(
    operands: Sequence[Field | Aggregate],
    account: Account,
    history: Sequence[HistoryEntry],
    at: datetime,
    promises: PromiseFacts | None = None,
) -> list[Any]:
    return [operand_value(op, account, history, at, promises) for op in operands]
