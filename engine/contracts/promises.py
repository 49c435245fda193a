"""The promise life cycle of the contract, as each decision sees it, and the facts it gives.

The daily run (from the record) and `arrears decide` (from `--promises` / `--payments` files and
history lines that carry a promise) both hand the evaluator an account's `Outcomes`; everything
below is computed from that one structure, so the two paths cannot disagree.

Days follow the contract and the KPI life cycle (`engine.kpi.promises`, in SQL): a payment
counts on its UTC date, a promise from the UTC date of `made_at`; the evaluation's day is the
business date (the evaluation instant's date in the playbook's zone). A promise is `kept` once
payments made at or after `made_at` and dated by `due` + grace add up to its amount (from the
date of the payment that reaches it); `broken` from `due` + grace + 1 if not kept; `active`
before that. Among several promises, the latest is the one with the latest `made_at` (ties:
the one recorded last).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from engine.contracts.facts import HistoryEntry

ZERO = Decimal(0)


@dataclass(frozen=True)
class PromiseRecord:
    """One promise to pay, as recorded (`arrears import promises` or a history line)."""

    promise_id: str
    made_at: datetime
    due: date
    amount: Decimal


@dataclass(frozen=True)
class PaymentRecord:
    """One payment received on the account."""

    at: datetime
    amount: Decimal


@dataclass(frozen=True)
class Outcomes:
    """An account's promises (in recording order) and payments."""

    promises: tuple[PromiseRecord, ...] = ()
    payments: tuple[PaymentRecord, ...] = ()


def utc_day(ts: datetime) -> date:
    return ts.astimezone(UTC).date()


def kept_on(promise: PromiseRecord, payments: Sequence[PaymentRecord], grace_days: int) -> date | None:
    """The UTC date of the payment that brings the promise's amount in by due + grace, or None."""
    deadline = promise.due + timedelta(days=grace_days)
    total = ZERO
    for payment in sorted(payments, key=lambda p: p.at):
        if payment.at >= promise.made_at and utc_day(payment.at) <= deadline:
            total += payment.amount
            if total >= promise.amount:
                return utc_day(payment.at)
    return None


def state_on(day: date, promise: PromiseRecord, kept: date | None, grace_days: int) -> str:
    """`kept`, `broken` (from due + grace + 1) or `active` on `day`."""
    if kept is not None and kept <= day:
        return "kept"
    return "broken" if day > promise.due + timedelta(days=grace_days) else "active"


@dataclass(frozen=True)
class PromiseFacts:
    """What the playbook language reads of an account's promises and payments on one day."""

    day: date
    latest: PromiseRecord | None = None
    state: str = "none"
    paid_since_latest: Decimal | None = None
    broken_on: tuple[date, ...] = ()
    payments: tuple[tuple[date, Decimal], ...] = field(default=())

    @property
    def days_to_due(self) -> int | None:
        return None if self.latest is None else (self.latest.due - self.day).days

    @property
    def amount(self) -> Decimal | None:
        return None if self.latest is None else self.latest.amount

    def broken_within(self, days: int | None) -> int:
        """Promises broken on `day` or in the `days` - 1 days before it (all of them without `days`)."""
        since = self.day - timedelta(days=days) if days else date.min
        return sum(1 for d in self.broken_on if since < d <= self.day)

    def paid_within(self, days: int | None) -> Decimal:
        """Payments dated on `day` or in the `days` - 1 days before it (all of them without `days`)."""
        since = self.day - timedelta(days=days) if days else date.min
        return sum((amount for d, amount in self.payments if since < d <= self.day), ZERO)

    def as_decision(self) -> dict[str, Any] | None:
        """The decision's `promise` object of the contract (null without a promise)."""
        if self.latest is None:
            return None
        return {
            "promise_id": self.latest.promise_id,
            "state": self.state,
            "due": self.latest.due.isoformat(),
            "amount": self.latest.amount,
        }


def promise_facts(outcomes: Outcomes | None, day: date, grace_days: int) -> PromiseFacts:
    """The facts of `outcomes` on `day`: promises made by then, payments dated by then."""
    if outcomes is None:
        return PromiseFacts(day)
    made = [p for p in outcomes.promises if utc_day(p.made_at) <= day]
    payments = tuple((utc_day(p.at), p.amount) for p in outcomes.payments if utc_day(p.at) <= day)
    broken: list[date] = []
    states: list[str] = []
    for promise in made:
        state = state_on(day, promise, kept_on(promise, outcomes.payments, grace_days), grace_days)
        states.append(state)
        if state == "broken":
            broken.append(promise.due + timedelta(days=grace_days + 1))
    if not made:
        return PromiseFacts(day, payments=payments)
    at = max(range(len(made)), key=lambda i: (made[i].made_at, i))
    latest = made[at]
    paid = sum((p.amount for p in outcomes.payments if p.at >= latest.made_at and utc_day(p.at) <= day), ZERO)
    return PromiseFacts(day, latest, states[at], paid, tuple(sorted(broken)), payments)


def merge_promises(first: Iterable[PromiseRecord], then: Iterable[PromiseRecord]) -> tuple[PromiseRecord, ...]:
    """`first`, then those of `then` whose promise_id is not among them (one promise, two sources)."""
    out = list(first)
    seen = {p.promise_id for p in out}
    for p in then:
        if p.promise_id not in seen:
            seen.add(p.promise_id)
            out.append(p)
    return tuple(out)


def history_promise_id(account_id: str, at: datetime) -> str:
    """The promise_id of a history line's promise that names none: the same line, the same id."""
    key = f"{account_id}|{at.astimezone(UTC).isoformat()}"
    return "h-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def promise_of(entry: HistoryEntry) -> PromiseRecord | None:
    """The promise a history line records (made at the line's `at`), if it carries one."""
    if entry.promise is None:
        return None
    pid = entry.promise.promise_id or history_promise_id(entry.account_id, entry.at)
    return PromiseRecord(pid, entry.at, entry.promise.due, entry.promise.amount)
