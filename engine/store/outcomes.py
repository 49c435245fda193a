"""Loading payments and promises to pay: what happened after a contact, onto the record.

Like `engine.store.imports`: streaming (a batch of lines at a time), all-or-nothing per file
(one transaction; a bad line rolls back everything and is named), and idempotent by the
contract's id (`payment_id`, `promise_id`): a line already on the record with the same
content changes nothing, the same id with other content is an error, never an overwrite.

A payment lowers its account's balance (in the stored facts too, so the daily run decides on
it); what it brings beyond the balance is kept as the account's `credit`, never as a negative
balance. A payment or promise for an unknown account, or a payment in a currency other than
the account's, is an error naming the line: money we cannot place is not silently kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, select, update

from engine.contracts.digest import sha256_text
from engine.contracts.errors import InputError
from engine.contracts.facts import Account, HistoryEntry, PaymentLine, PromiseLine
from engine.contracts.jsonl import read_models
from engine.contracts.numbers import check_money
from engine.contracts.promises import promise_of
from engine.store.clock import iso_utc, now_iso
from engine.store.imports import BATCH, Imported, Progress, facts_json
from engine.store.models import AccountRow, Payment, Promise


@dataclass
class _Held:
    """An account as a batch of payments changes it."""

    account: Account
    credit: Decimal
    changed: bool = False


def _accounts(conn: Connection, ids: set[str]) -> dict[str, _Held]:
    a = AccountRow.__table__
    rows = conn.execute(select(a.c.account_id, a.c.facts, a.c.credit).where(a.c.account_id.in_(sorted(ids))))
    return {aid: _Held(Account.model_validate_json(facts), Decimal(credit or 0)) for aid, facts, credit in rows}


def _known(conn: Connection, column: Any, ids: list[str], columns: list[Any]) -> dict[str, tuple[Any, ...]]:
    """Rows already on the record, by contract id: id → the columns that must agree."""
    rows = conn.execute(select(column, *columns).where(column.in_(sorted(set(ids)))))
    return {row[0]: tuple(row[1:]) for row in rows}


def _check_amount(name: str, lineno: int, amount: Decimal, currency: str | None) -> None:
    try:
        check_money(amount, currency)
    except ValueError as exc:
        raise InputError.at(name, lineno, 1, f"amount: {exc}") from None


def _account_of(name: str, lineno: int, held: dict[str, _Held], account_id: str) -> _Held:
    found = held.get(account_id)
    if found is None:
        raise InputError.at(name, lineno, 1, f"account_id: unknown account {account_id!r} (import it first)")
    return found


def _payment_key(p: PaymentLine) -> tuple[Any, ...]:
    return (p.account_id, iso_utc(p.at), p.amount, p.currency)


def _apply_payments(conn: Connection, name: str, batch: list[tuple[int, PaymentLine]], now: str) -> Imported:
    y = Payment.__table__
    columns = [y.c.account_id, y.c.paid_at, y.c.amount, y.c.currency]
    ids = [p.payment_id for _, p in batch]
    known = {
        ref: (aid, at, Decimal(amount), cur)
        for ref, (aid, at, amount, cur) in _known(conn, y.c.reference, ids, columns).items()
    }
    held = _accounts(conn, {p.account_id for _, p in batch})
    new: list[dict[str, Any]] = []
    for lineno, p in batch:
        if p.payment_id in known:
            if known[p.payment_id] != _payment_key(p):
                raise InputError.at(name, lineno, 1, f"payment_id {p.payment_id!r} is on the record with other content")
            continue  # already recorded: counted as unchanged below
        acc = _account_of(name, lineno, held, p.account_id)
        if acc.account.currency != p.currency:
            have = acc.account.currency or "no currency"
            raise InputError.at(name, lineno, 1, f"currency: {p.currency} but account {p.account_id!r} is in {have}")
        _check_amount(name, lineno, p.amount, p.currency)
        left = acc.account.balance - p.amount
        acc.credit += max(-left, Decimal(0))
        acc.account = acc.account.model_copy(update={"balance": max(left, Decimal(0))})
        acc.changed = True
        known[p.payment_id] = _payment_key(p)
        new.append(
            {"reference": p.payment_id, "account_id": p.account_id, "paid_at": iso_utc(p.at),
             "amount": format(p.amount, "f"), "currency": p.currency}
        )  # fmt: skip
    if new:
        conn.execute(insert(y), new)
    _write_balances(conn, [h for h in held.values() if h.changed], now)
    return Imported(new=len(new), unchanged=len(batch) - len(new))


def _write_balances(conn: Connection, changed: list[_Held], now: str) -> None:
    """The new balance in the column and in the stored facts (which the daily run decides on)."""
    if not changed:
        return
    a = AccountRow.__table__
    rows = []
    for h in changed:
        facts = facts_json(h.account)
        rows.append(
            {"key": h.account.account_id, "balance": format(h.account.balance, "f"), "facts": facts,
             "facts_sha256": sha256_text(facts), "credit": format(h.credit, "f") if h.credit else None,
             "updated_at": now}
        )  # fmt: skip
    conn.execute(update(a).where(a.c.account_id == bindparam("key")), rows)


def _promise_key(p: PromiseLine) -> tuple[Any, ...]:
    return (p.account_id, iso_utc(p.made_at), p.due.isoformat(), p.amount, p.model_dump_json())


def _apply_promises(conn: Connection, name: str, batch: list[tuple[int, PromiseLine]]) -> Imported:
    t = Promise.__table__
    columns = [t.c.account_id, t.c.made_at, t.c.due_date, t.c.amount, t.c.body]
    known = {
        pid: (aid, made, due, Decimal(amount), body)
        for pid, (aid, made, due, amount, body) in _known(
            conn, t.c.promise_id, [p.promise_id for _, p in batch], columns
        ).items()
    }
    held = _accounts(conn, {p.account_id for _, p in batch})
    new: list[dict[str, Any]] = []
    for lineno, p in batch:
        if p.promise_id in known:
            if known[p.promise_id] != _promise_key(p):
                raise InputError.at(name, lineno, 1, f"promise_id {p.promise_id!r} is on the record with other content")
            continue
        acc = _account_of(name, lineno, held, p.account_id)
        _check_amount(name, lineno, p.amount, acc.account.currency)
        known[p.promise_id] = _promise_key(p)
        new.append(
            {"promise_id": p.promise_id, "account_id": p.account_id, "made_at": iso_utc(p.made_at),
             "due_date": p.due.isoformat(), "amount": format(p.amount, "f"), "currency": acc.account.currency,
             "state": "active", "body": p.model_dump_json()}
        )  # fmt: skip
    if new:
        conn.execute(insert(t), new)
    return Imported(new=len(new), unchanged=len(batch) - len(new))


def record_history_promises(conn: Connection, name: str, entries: list[tuple[int, HistoryEntry]]) -> None:
    """The promises history lines carry (`"promise": {"amount", "due", "promise_id"?}`), recorded
    like `arrears import promises` lines: made at the entry's `at`, by its `by`, with the
    promise_id it names or the one derived from account and instant."""
    lines = []
    for lineno, entry in entries:
        record = promise_of(entry)
        assert record is not None
        line = PromiseLine(
            promise_id=record.promise_id, account_id=entry.account_id, made_at=entry.at,
            amount=record.amount, due=record.due, by=entry.by,
        )  # fmt: skip
        lines.append((lineno, line))
    _apply_promises(conn, name, lines)


def import_payments(engine: Engine, path: str | Path, progress: Progress | None = None) -> Imported:
    """Record every payment of `path` and lower balances; returns the lines new to the record and
    those already recorded (`unchanged`)."""
    return record_payments(engine, read_models(path, PaymentLine), str(path), progress)


def import_promises(engine: Engine, path: str | Path, progress: Progress | None = None) -> Imported:
    """Record every promise to pay of `path`; returns the lines new and already recorded."""
    return _stream(engine, path, PromiseLine, lambda conn, batch: _apply_promises(conn, str(path), batch), progress)


def record_payments(
    engine: Engine, lines: Iterable[tuple[int, PaymentLine]], name: str, progress: Progress | None = None
) -> Imported:
    """The one writer of payments: `(line, payment)` pairs already validated (a file's, or a
    request body's from the HTTP API), in one transaction; `name` names their source in errors."""
    now = now_iso()
    return _apply_all(engine, lines, lambda conn, batch: _apply_payments(conn, name, batch, now), progress)


def _stream(engine: Engine, path: str | Path, model: Any, apply: Any, progress: Progress | None) -> Imported:
    """One transaction over the file, applied a batch at a time (in file order)."""
    return _apply_all(engine, read_models(path, model), apply, progress)


def _apply_all(engine: Engine, lines: Iterable[tuple[int, Any]], apply: Any, progress: Progress | None) -> Imported:
    """One transaction over validated lines, applied a batch at a time (in their order)."""
    done, batch = Imported(), []
    with engine.begin() as conn:
        for lineno, line in lines:
            batch.append((lineno, line))
            if len(batch) >= BATCH:
                done.add(apply(conn, batch))
                if progress:
                    progress(len(batch))
                batch = []
        done.add(apply(conn, batch))
        if progress:
            progress(len(batch))
    return done
