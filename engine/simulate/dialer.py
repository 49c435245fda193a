"""The simulated dialer's pre-dial check: "may I make this contact now?", asked at its instant.

A run plans a contact hours or days ahead (the gate moves it to its next allowed instant, a
weekend lies between), and the relay hands it over at the run. What happens in between — the
debtor calls in, complains — is unknown to both. A real dialer therefore asks `arrears check`
(the compliance gate, with the playbook's limits) just before it dials; the simulated dialer
does the same, against the debtor's history as it stands at the contact's instant: the
record's history lines, the contacts that took place, and what the simulated day has brought
so far. A blocked contact does not take place (no outcome, no call-in, no commitment); its
`outbox_dispatch` row records why in `last_error` (`skipped by the dialer: RULE: reason`, as
the relay records an emergency hold), and it is no longer one of the dispatched contacts.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, or_, select, update

from engine.compliance.gate import check
from engine.compliance.limits import Limits
from engine.contracts.facts import Account, Action, HistoryEntry, outbox_history
from engine.simulate.outcomes import Contact
from engine.store.models import AccountRow, ContactHistoryRow, OutboxContact, OutboxDispatch

SKIPPED = "skipped by the dialer: "
Key = tuple[str, datetime, str]


def not_skipped(column: Any) -> Any:
    """SQL condition on `outbox_dispatch.last_error`: the dialer did not skip the contact."""
    return or_(column.is_(None), ~column.like(SKIPPED + "%"))


def _key(line: dict[str, Any]) -> Key:
    return line["account_id"], datetime.fromisoformat(line["at"]), line["channel"]


class Dialer:
    """Pre-dial checks for the contacts of some accounts (their debtors' whole history loaded once)."""

    def __init__(self, engine: Engine, accounts: dict[str, Account], limits: Limits | None) -> None:
        self.engine, self.accounts, self.limits = engine, accounts, limits
        self.skipped: dict[Key, str] = {}
        a, h, o, d = (
            AccountRow.__table__,
            ContactHistoryRow.__table__,
            OutboxContact.__table__,
            OutboxDispatch.__table__,
        )
        debtors = sorted({acc.debtor_id for acc in accounts.values()})
        with engine.connect() as conn:
            owners = dict(conn.execute(select(a.c.account_id, a.c.debtor_id).where(a.c.debtor_id.in_(debtors))).all())
            ids = sorted(owners)
            lines = [json.loads(b) for (b,) in conn.execute(select(h.c.body).where(h.c.account_id.in_(ids)))]
            sent = conn.execute(
                select(o.c.account_id, o.c.action, o.c.idempotency_key)
                .join(d, d.c.idempotency_key == o.c.idempotency_key)
                .where(o.c.account_id.in_(ids), d.c.dispatched_at.is_not(None), not_skipped(d.c.last_error))
            ).all()
        self.owner = owners
        # contacts already made (their result line is on the record): a step simulated again
        # does not judge them a second time against what they themselves brought
        self.made = {_key(x) for x in lines if x.get("direction", "outbound") == "outbound"}
        self.lines: dict[str | None, list[dict[str, Any]]] = {}
        for x in lines:
            self.lines.setdefault(owners.get(x["account_id"]), []).append(x)
        self.outbox: dict[str | None, list[dict[str, Any]]] = {}
        self.actions: dict[Key, dict[str, Any]] = {}
        self.keys: dict[Key, list[str]] = {}
        for account_id, action, idem in sent:
            c = outbox_history(account_id, action)
            self.outbox.setdefault(owners.get(account_id), []).append(c)
            self.actions[_key(c)] = json.loads(action)
            self.keys.setdefault(_key(c), []).append(idem)

    def history(self, contact: Contact, today: list[dict[str, Any]]) -> list[HistoryEntry]:
        """The debtor's contacts up to the contact's instant, this contact excluded; a dialer's
        result line and the outbox contact it answers (same account, instant, channel) count once."""
        debtor, own = self.owner.get(contact.account_id), (contact.account_id, contact.at, contact.channel)
        lines = [*self.lines.get(debtor, []), *(x for x in today if self.owner.get(x["account_id"]) == debtor)]
        answered = {_key(x) for x in lines if x.get("direction", "outbound") == "outbound"}
        ours = [c for c in self.outbox.get(debtor, []) if _key(c) not in answered]
        skipped = set(self.skipped)
        out = [
            HistoryEntry.model_validate(x)
            for x in (*lines, *ours)
            if _key(x) != own and _key(x) not in skipped and datetime.fromisoformat(x["at"]) <= contact.at
        ]
        return sorted(out, key=lambda e: e.at)

    def __call__(self, contact: Contact, today: list[dict[str, Any]]) -> str | None:
        """None when the contact may be made now, else why not (the first violated rule)."""
        key = (contact.account_id, contact.at, contact.channel)
        if key in self.made:
            return None
        account, action = self.accounts.get(contact.account_id), self.actions.get(key)
        if account is None or action is None:  # fail closed: nothing to check it against
            reason = "the account or the planned contact is no longer on the record"
        else:
            proposed = Action.model_validate({k: action[k] for k in Action.model_fields if k in action})
            verdict = check(account, self.history(contact, today), proposed, limits=self.limits)
            if verdict.allowed:
                return None
            reason = f"{verdict.violations[0].rule}: {verdict.violations[0].reason}"
        self.skipped[key] = reason
        return reason

    def record(self) -> int:
        """Write each skipped contact's reason on its `outbox_dispatch` row(s); how many were skipped."""
        d = OutboxDispatch.__table__
        with self.engine.begin() as conn:
            for key, reason in self.skipped.items():
                for idem in self.keys.get(key, []):
                    conn.execute(
                        update(d).where(d.c.idempotency_key == idem).values(last_error=(SKIPPED + reason)[:500])
                    )
        return len(self.skipped)
