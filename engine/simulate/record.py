"""The behaviour model against the system of record: read a day's dispatched contacts, write
what the simulated customers did through the CLI's own import paths.

`simulate_between(engine, seed, day, until, workdir)` is the step between two business days:
the dispatched contacts scheduled in [`day`, `until`) are answered (history lines), promises and
complaints follow, debtors reached by earlier contacts call in, and payments arrive for every
date in [`day`, `until`) — today's quick payments and the simulated promises that fall due.
Everything is written as JSON Lines files in `workdir` and loaded with `import_accounts` (complaints), `import_history`,
`import_promises` and `import_payments`: the same validation, idempotency and
all-or-nothing as `arrears import …`, so a rerun of a day adds nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from engine.compliance.limits import Limits
from engine.contracts.facts import Account, outbox_history
from engine.simulate.dialer import Dialer, not_skipped
from engine.simulate.outcomes import AccountView, Contact, callbacks, day_outcomes, promise_payments
from engine.store.imports import Imported, import_accounts, import_history
from engine.store.models import AccountRow, OutboxContact, OutboxDispatch, Payment, Promise
from engine.store.outcomes import import_payments, import_promises


@dataclass
class Simulated:
    """What one step wrote, per import kind."""

    contacts: int
    conversations: int
    history: Imported
    promises: Imported
    payments: Imported
    complaints: Imported
    skipped: int = 0  # contacts the dialer's pre-dial check refused

    def plus(self, other: Simulated) -> Simulated:
        for mine, theirs in ((self.history, other.history), (self.promises, other.promises),
                             (self.payments, other.payments), (self.complaints, other.complaints)):  # fmt: skip
            mine.add(theirs)
        self.contacts += other.contacts
        self.conversations += other.conversations
        self.skipped += other.skipped
        return self


# Contacts dispatched this many days before a step can still take place in it (an action is
# scheduled at its next allowed instant) or prompt a call-in in it (1..3 days, and a weekend).
CALL_BACK_WINDOW = 7


def dispatched_contacts(engine: Engine, first: date, last: date) -> list[Contact]:
    """The contacts the runs of business dates first..last handed to the dispatcher."""
    o, d = OutboxContact.__table__, OutboxDispatch.__table__
    query = (
        select(o.c.account_id, o.c.action)
        .join(d, d.c.idempotency_key == o.c.idempotency_key)
        .where(o.c.business_date.between(first.isoformat(), last.isoformat()), d.c.dispatched_at.is_not(None))
        .where(not_skipped(d.c.last_error))
        .order_by(o.c.account_id, o.c.at)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    out = []
    for account_id, action in rows:
        h = outbox_history(account_id, action)
        out.append(Contact(account_id, datetime.fromisoformat(h["at"]), h["channel"], h.get("party") or "debtor",
                           h.get("kind"), h.get("template"), h.get("by"), bool(h.get("recorded"))))  # fmt: skip
    return out


def _accounts(engine: Engine, ids: set[str]) -> dict[str, Account]:
    a = AccountRow.__table__
    out: dict[str, Account] = {}
    with engine.connect() as conn:
        part = sorted(ids)
        for start in range(0, len(part), 500):
            query = select(a.c.account_id, a.c.facts).where(a.c.account_id.in_(part[start : start + 500]))
            out.update({aid: Account.model_validate_json(facts) for aid, facts in conn.execute(query)})
    return out


def _view(acc: Account) -> AccountView:
    return AccountView(acc.account_id, acc.currency, Decimal(acc.balance), acc.timezone, tuple(acc.flags))


def simulated_promises(engine: Engine, seed: int) -> list[dict[str, Any]]:
    """The promises this seed's customers made (their ids say so), as the record holds them."""
    t = Promise.__table__
    query = select(t.c.promise_id, t.c.account_id, t.c.made_at, t.c.due_date, t.c.amount).where(
        t.c.promise_id.like(f"sim-{seed}-%")
    )
    with engine.connect() as conn:
        return [{"promise_id": pid, "account_id": aid, "made_at": made, "due": due, "amount": amount}
                for pid, aid, made, due, amount in conn.execute(query)]  # fmt: skip


def _not_yet(engine: Engine, column: Any, lines: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """The lines whose id is not on the record yet: a step simulated again adds nothing (its
    amounts, drawn from balances that its own payments lowered, would differ the second time)."""
    ids = sorted({line[key] for line in lines})
    with engine.connect() as conn:
        known = {row[0] for start in range(0, len(ids), 500)
                 for row in conn.execute(select(column).where(column.in_(ids[start : start + 500])))}  # fmt: skip
    return [line for line in lines if line[key] not in known]


def _write(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


def _complaints(engine: Engine, ids: list[str], workdir: Path, stem: str) -> Imported:
    """Accounts that complained get `complaint_open`, re-imported from their current facts."""
    flagged = []
    for acc in _accounts(engine, set(ids)).values():
        if "complaint_open" not in acc.flags:
            flagged.append(
                json.loads(acc.model_copy(update={"flags": (*acc.flags, "complaint_open")}).model_dump_json())
            )
    return import_accounts(engine, _write(workdir / f"{stem}-complaints.jsonl", flagged))


def simulate_between(
    engine: Engine, seed: int, day: date, until: date, workdir: Path, limits: Limits | None = None
) -> Simulated:
    """The simulated customers' answers to `day`'s contacts and their payments up to `until`,
    one calendar date at a time (so Saturday's contacts are checked against Friday's call-ins);
    `limits` are the compliance limits the dialer's pre-dial check applies (the pack's own when
    None, as `arrears check` without `--playbook`)."""
    workdir.mkdir(parents=True, exist_ok=True)
    total: Simulated | None = None
    for n in range((until - day).days):
        step = _simulate_date(engine, seed, day, day + timedelta(days=n), workdir, limits)
        total = step if total is None else total.plus(step)
    return total or Simulated(0, 0, Imported(), Imported(), Imported(), Imported())


def _simulate_date(
    engine: Engine, seed: int, run_day: date, on: date, workdir: Path, limits: Limits | None
) -> Simulated:
    """One calendar date: the debtors' call-ins, then each contact of the date that the dialer's
    check allows answered in time order, then complaints, promises and the date's payments."""
    stem, until = f"sim-{seed}-{on.isoformat()}", on + timedelta(days=1)
    earlier = dispatched_contacts(engine, run_day - timedelta(days=CALL_BACK_WINDOW), run_day)
    contacts = [c for c in earlier if on <= c.at.date() < until]  # those due now
    facts = _accounts(engine, {c.account_id for c in earlier})
    views = {aid: _view(acc) for aid, acc in facts.items()}
    inbound = callbacks(seed, on, until, earlier, views)
    dialer = Dialer(engine, {c.account_id: facts[c.account_id] for c in contacts if c.account_id in facts}, limits)
    out = day_outcomes(seed, contacts, views, lambda c, lines: dialer(c, [*inbound.history, *lines]))
    skipped = dialer.record()
    out.history += inbound.history
    out.promises += inbound.promises
    out.payments += inbound.payments
    out.complaints += inbound.complaints
    complaints = _complaints(engine, out.complaints, workdir, stem)
    history = import_history(engine, _write(workdir / f"{stem}-history.jsonl", out.history))
    made = _not_yet(engine, Promise.__table__.c.promise_id, out.promises, "promise_id")
    promises = import_promises(engine, _write(workdir / f"{stem}-promises.jsonl", made))
    owed = simulated_promises(engine, seed)
    debtors = {aid: _view(acc) for aid, acc in _accounts(engine, {p["account_id"] for p in owed}).items()}
    paying = out.payments + promise_payments(seed, on, until, owed, debtors)
    paying = _not_yet(engine, Payment.__table__.c.reference, paying, "payment_id")
    payments = import_payments(engine, _write(workdir / f"{stem}-payments.jsonl", paying))
    talks = sum(1 for line in out.history if line["outcome"] == "conversation")
    return Simulated(len(contacts) - skipped, talks, history, promises, payments, complaints, skipped)
