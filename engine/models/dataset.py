"""Training and scoring data from the record: one query per table, turned into arrays.

No per-account query: accounts, contact history, promises and payments are each read once
(history within the window only by date prefix, then exactly by instant) and grouped here.
Propensity rows are accounts as they stood at a cut-off (features from what happened before
it; label: a payment within the 30 days after it). Connect rows are outbound calls (label:
answered — a conversation, a third party, or a refusal) with the debtor's local hour.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from engine.models.spec import ATTRIBUTE_PREFIX, NUMERIC
from engine.store.models import AccountRow, ContactHistoryRow, Payment, Promise

HORIZON = 30  # days: "propensity to pay within 30 days"
LOOKBACK = 90
VOICE = ("call", "robot_call")
ANSWERED = ("conversation", "connected", "refused")


def _instant(text: str) -> datetime:
    at = datetime.fromisoformat(text)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _start(day: date) -> datetime:
    return datetime.combine(day, time(0), UTC)


@dataclass
class Record:
    """What the models read of the record between `first` and `last` (inclusive dates, UTC)."""

    accounts: dict[str, dict[str, Any]]
    history: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    promises: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    payments: dict[str, list[tuple[datetime, Decimal]]] = field(default_factory=lambda: defaultdict(list))


def read_record(engine: Engine, first: date, last: date, ids: list[str] | None = None) -> Record:
    """Accounts (facts), and history, promises and payments dated in [first − 1 day, last + 1 day]
    by text prefix (stored UTC), filtered exactly by instant by the callers; only the accounts
    `ids` when given (a daily-run chunk), in batches of 500."""
    lo, hi = (first - timedelta(days=1)).isoformat(), (last + timedelta(days=2)).isoformat()
    a, h, p, pay = AccountRow.__table__, ContactHistoryRow.__table__, Promise.__table__, Payment.__table__
    batches: list[list[str] | None] = [None] if ids is None else [ids[i : i + 500] for i in range(0, len(ids), 500)]
    rec = Record({})
    with engine.connect() as conn:
        for batch in batches:

            def only(column: Any, batch: list[str] | None = batch) -> Any:
                return column.in_(batch) if batch is not None else column.is_not(None)

            query = select(a.c.account_id, a.c.facts).where(only(a.c.account_id))
            rec.accounts.update({aid: json.loads(facts) for aid, facts in conn.execute(query)})
            query = select(h.c.account_id, h.c.body).where(h.c.at.between(lo, hi), only(h.c.account_id))
            for aid, body in conn.execute(query):
                rec.history[aid].append(json.loads(body))
            query = select(p.c.account_id, p.c.made_at).where(p.c.made_at.between(lo, hi), only(p.c.account_id))
            for aid, made in conn.execute(query):
                rec.promises[aid].append({"made_at": _instant(made)})
            query = select(pay.c.account_id, pay.c.paid_at, pay.c.amount).where(only(pay.c.account_id))
            for aid, at, amount in conn.execute(query):
                rec.payments[aid].append((_instant(at), Decimal(amount)))
    return rec


def category(facts: dict[str, Any], name: str) -> str | None:
    """A categorical feature's value as text (None when absent)."""
    if name.startswith(ATTRIBUTE_PREFIX):
        value: Any = facts.get("attributes") or {}
        for part in name[len(ATTRIBUTE_PREFIX) :].split("."):
            value = value.get(part) if isinstance(value, dict) else None
    else:
        value = facts.get(name)
    return None if value is None else str(value)


def _numeric(rec: Record, aid: str, cut: datetime) -> dict[str, float]:
    facts, since = rec.accounts[aid], cut - timedelta(days=LOOKBACK)
    recent = [e for e in rec.history.get(aid, ()) if since <= _instant(e["at"]) < cut]
    outbound = [e for e in recent if e.get("direction", "outbound") == "outbound"]
    answered = [e for e in outbound if e.get("outcome") in (*ANSWERED, "replied", "read_no_reply")]
    talks = [e for e in recent if e.get("outcome") == "conversation" and e.get("party", "debtor") == "debtor"]
    promises = [q for q in rec.promises.get(aid, ()) if q["made_at"] < cut]
    paid_after = sum((m for at, m in rec.payments.get(aid, ()) if at >= cut), Decimal(0))
    return {
        "dpd": float(facts.get("dpd") or 0),
        "balance": float(Decimal(str(facts.get("balance") or 0)) + paid_after),  # as it stood at the cut-off
        "risk_score": float(facts.get("risk_score") or 0),
        "contacts_90d": float(len(outbound)),
        "conversations_90d": float(len(talks)),
        "answered_rate_90d": len(answered) / len(outbound) if outbound else 0.0,
        "promises_made": float(len(promises)),
        "promises_broken": float(sum(1 for q in promises if _unpaid(rec, aid, q["made_at"], cut))),
        "payments_90d": float(sum(1 for at, _ in rec.payments.get(aid, ()) if since <= at < cut)),
    }


def _unpaid(rec: Record, aid: str, made: datetime, cut: datetime) -> bool:
    """A promise made at least a week before the cut-off with no payment since: broken by then."""
    return made <= cut - timedelta(days=7) and not any(made <= at < cut for at, _ in rec.payments.get(aid, ()))


def account_rows(rec: Record, features: list[str], cut: datetime) -> tuple[list[str], list[dict[str, Any]]]:
    """(account ids, feature values) of every account as it stood at `cut`."""
    ids = sorted(rec.accounts)
    rows = []
    for aid in ids:
        num = _numeric(rec, aid, cut)
        rows.append({f: num[f] if f in NUMERIC else category(rec.accounts[aid], f) for f in features})
    return ids, rows


def paid_within(rec: Record, ids: list[str], cut: datetime, days: int = HORIZON) -> list[int]:
    """1 when the account received a payment in [cut, cut + days)."""
    end = cut + timedelta(days=days)
    return [int(any(cut <= at < end for at, _ in rec.payments.get(aid, ()))) for aid in ids]


def local_hour(at: datetime, zone: str | None) -> float:
    local = at.astimezone(ZoneInfo(zone)) if zone else at
    return local.hour + local.minute / 60


def call_rows(
    rec: Record, segment: str, first: date, last: date
) -> tuple[list[str], list[str], list[float], list[int]]:
    """(account, segment value, local hour, answered) of every outbound call in [first, last]."""
    lo, hi = _start(first), _start(last + timedelta(days=1))
    ids, segs, hours, labels = [], [], [], []
    for aid, entries in sorted(rec.history.items()):
        facts = rec.accounts.get(aid)
        if facts is None:
            continue
        seg = category(facts, segment)
        for e in entries:
            at = _instant(e["at"])
            if e.get("channel") not in VOICE or e.get("direction", "outbound") != "outbound" or not lo <= at < hi:
                continue
            ids.append(aid)
            segs.append(seg if seg is not None else "")
            hours.append(local_hour(at, facts.get("timezone")))
            labels.append(int(e.get("outcome") in ANSWERED))
    return ids, segs, hours, labels


def cut_of(day: date) -> datetime:
    """The instant a date's data ends: its end in UTC (the start of the next day)."""
    return _start(day + timedelta(days=1))
