"""`arrears decide --promises PR.jsonl --payments P.jsonl`: outcomes from files, as on the record.

The lines are those of `arrears import promises|payments` and are validated by the same models;
what the import checks against the account (it must be known, a payment is in the account's
currency, an amount has no more decimal places than that currency allows, one id is one
content) is checked here too, naming the line. Promises that history lines carry are added as
`arrears import history` records them (`engine.contracts.promises.promise_of`); a promise_id
present in both sources is one promise (the promises file's line).

Both files are held in memory (they are far smaller than the accounts file, which streams).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.contracts.errors import InputError
from engine.contracts.facts import Account, HistoryEntry, PaymentLine, PromiseLine
from engine.contracts.jsonl import read_models
from engine.contracts.numbers import check_money
from engine.contracts.promises import Outcomes, PaymentRecord, PromiseRecord, merge_promises, promise_of


@dataclass
class _Lines:
    """One file's lines by account, and the first line of each contract id."""

    name: str
    by_account: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    ids: dict[str, tuple[int, Any]] = field(default_factory=dict)
    placed: set[str] = field(default_factory=set)


def _read(path: str | Path | None, model: Any, id_of: Any) -> _Lines:
    lines = _Lines(str(path))
    if path is None:
        return lines
    for lineno, line in read_models(path, model):
        key = id_of(line)
        if key in lines.ids:
            if lines.ids[key][1] != line:
                raise InputError.at(lines.name, lineno, 1, f"{key!r} is on line {lines.ids[key][0]} with other content")
            continue
        lines.ids[key] = (lineno, line)
        lines.by_account.setdefault(line.account_id, []).append((lineno, line))
    return lines


def _amount_fits(name: str, lineno: int, line: Any, currency: str | None) -> None:
    try:
        check_money(line.amount, currency)
    except ValueError as exc:
        raise InputError.at(name, lineno, 1, f"amount: {exc}") from None


class OutcomeFiles:
    """Promises and payments of `arrears decide`, handed to the evaluator chunk by chunk."""

    def __init__(self, promises: str | Path | None = None, payments: str | Path | None = None) -> None:
        self.promises = _read(promises, PromiseLine, lambda p: p.promise_id)
        self.payments = _read(payments, PaymentLine, lambda p: p.payment_id)

    def for_accounts(
        self, accounts: Sequence[Account], histories: Mapping[str, Sequence[HistoryEntry]]
    ) -> dict[str, Outcomes]:
        """account_id → its outcomes (files, then history lines' promises), checked against it."""
        out: dict[str, Outcomes] = {}
        for account in accounts:
            promises = self._promises(account)
            payments = self._payments(account)
            from_history = [p for p in map(promise_of, histories.get(account.account_id, ())) if p is not None]
            merged = merge_promises(promises, from_history)
            if merged or payments:
                out[account.account_id] = Outcomes(merged, payments)
        return out

    def _promises(self, account: Account) -> list[PromiseRecord]:
        lines = self.promises.by_account.get(account.account_id, [])
        self.promises.placed.add(account.account_id)
        for lineno, line in lines:
            _amount_fits(self.promises.name, lineno, line, account.currency)
        return [PromiseRecord(p.promise_id, p.made_at, p.due, p.amount) for _, p in lines]

    def _payments(self, account: Account) -> tuple[PaymentRecord, ...]:
        lines = self.payments.by_account.get(account.account_id, [])
        self.payments.placed.add(account.account_id)
        for lineno, line in lines:
            if line.currency != account.currency:
                have = account.currency or "no currency"
                raise InputError.at(
                    self.payments.name,
                    lineno,
                    1,
                    f"currency: {line.currency} but account {account.account_id!r} is in {have}",
                )
        return tuple(PaymentRecord(p.at, p.amount) for _, p in lines)

    def check_all_placed(self) -> None:
        """Money we cannot place is an error, as on import: every line's account was decided."""
        for lines in (self.promises, self.payments):
            for account_id, entries in lines.by_account.items():
                if account_id not in lines.placed:
                    lineno = entries[0][0]
                    raise InputError.at(lines.name, lineno, 1, f"account_id: unknown account {account_id!r}")
