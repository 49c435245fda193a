"""One simulated day: the dispatched contacts answered, promises made, payments arriving.

Pure functions of (seed, the day's contacts, the accounts as they stand): lines in the
contract's formats (contact history, `import promises`, `import payments`), ready for the
import paths. Each draw is `uniform(seed, account_id, date or contact instant, purpose)`,
so two runs with one seed give the same lines byte for byte.

What a contact brings (per account and day, contacts in time order):
- its outcome and party: a call answered by the debtor is a `conversation`, by someone else
  `connected` (party third_party), refused, or unanswered (`no_answer`, `busy`, `voicemail`);
  a message is `replied`, `read_no_reply` or `delivered`; a letter `delivered`;
- after the first conversation or reply of the day, at most one of: a complaint (the account
  gets `complaint_open`), a promise to pay (due 1..`promise_days` later), or a payment a few
  hours later (full or partial);
- a contact that reached no conversation may make the debtor call in 1..3 days later
  (`callbacks`: an inbound conversation in the afternoon, after that date's run, with the
  same chance of a commitment);
- a simulated promise is kept on its pay date (on time, or 1..`late_days` after `due`), or
  never (`breaks`), fixed at the promise's making; `promise_payments` pays those due in a
  date range.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from engine.simulate.behaviour import CHANNEL_GROUP, CustomerType, answer_probability, customer_type, uniform

CENT = Decimal("0.01")
UNANSWERED = ("no_answer", "no_answer", "busy", "voicemail")
INBOUND = "inbound-desk"  # the `by` of a debtor's call-in


@dataclass(frozen=True)
class Contact:
    """A dispatched contact as the record holds it (the action's history fields)."""

    account_id: str
    at: datetime
    channel: str
    party: str = "debtor"
    kind: str | None = None
    template: str | None = None
    by: str | None = None
    recorded: bool = False


@dataclass(frozen=True)
class AccountView:
    """What the model needs of an account: money, zone and the flags that fix its type."""

    account_id: str
    currency: str | None
    balance: Decimal
    timezone: str | None = None
    flags: tuple[str, ...] = ()


@dataclass
class DayOutcomes:
    history: list[dict[str, Any]] = field(default_factory=list)
    promises: list[dict[str, Any]] = field(default_factory=list)
    payments: list[dict[str, Any]] = field(default_factory=list)
    complaints: list[str] = field(default_factory=list)


def local(at: datetime, zone: str | None) -> datetime:
    """The instant in the debtor's zone when known, else as the contact was written."""
    return at.astimezone(ZoneInfo(zone)) if zone else at


def respond(seed: int, t: CustomerType, contact: Contact, zone: str | None) -> tuple[str, str]:
    """(outcome, party) of one contact."""
    at = local(contact.at, zone)
    hour = at.hour + at.minute / 60
    group = CHANNEL_GROUP.get(contact.channel, "mail")

    def draw(purpose: str) -> float:
        return uniform(seed, contact.account_id, contact.at.isoformat(), contact.channel, purpose)

    answered = draw("answer") < answer_probability(t, contact.channel, hour)
    if contact.channel == "letter":
        return "delivered", contact.party
    if contact.channel == "voicemail":
        return "voicemail", contact.party
    if group == "voice":
        if not answered:
            return UNANSWERED[int(draw("unanswered") * len(UNANSWERED))], contact.party
        if draw("refuse") < t.refuse:
            return "refused", contact.party
        if contact.party == "debtor" and draw("right_party") < t.right_party:
            return "conversation", "debtor"
        return "connected", "third_party"
    if not answered:
        return "delivered", contact.party
    return ("replied" if draw("reply") < t.reply else "read_no_reply"), contact.party


def history_line(contact: Contact, outcome: str, party: str, direction: str = "outbound") -> dict[str, Any]:
    line = {"account_id": contact.account_id, "at": contact.at.isoformat(), "channel": contact.channel,
            "direction": direction, "party": party, "outcome": outcome, "kind": contact.kind,
            "template": contact.template, "by": contact.by, "recorded": contact.recorded}  # fmt: skip
    return {k: v for k, v in line.items() if v is not None}


def amount(seed: int, t: CustomerType, balance: Decimal, *parts: Any) -> Decimal:
    """The whole balance (probability `full`), else 10–40 % of it, in cents, rounded down."""
    if uniform(seed, *parts, "full") < t.full:
        return balance
    share = Decimal(str(round(0.1 + 0.3 * uniform(seed, *parts, "share"), 4)))
    return (balance * share).quantize(CENT, ROUND_DOWN)


def commitment(seed: int, t: CustomerType, contact: Contact, acc: AccountView, out: DayOutcomes) -> None:
    """After a conversation or reply: a complaint, a promise, a payment within hours, or nothing."""
    parts = (acc.account_id, contact.at.isoformat(), "commit")
    u = uniform(seed, *parts)
    if u < t.complain:
        out.complaints.append(acc.account_id)
        return
    if acc.balance <= 0 or acc.currency is None:
        return
    money = amount(seed, t, acc.balance, *parts)
    if money <= 0:
        return
    # ids name the account, the instant and the side (a contact of ours, or the debtor's call-in)
    side = "in" if contact.by == INBOUND else "out"
    stamp = f"{contact.at.astimezone(UTC).strftime('%Y%m%dT%H%M%S')}-{side}"
    if u < t.complain + t.promise:
        made = local(contact.at, acc.timezone).date()
        due = made + timedelta(days=1 + int(uniform(seed, *parts, "due") * t.promise_days))
        out.promises.append(
            {"promise_id": f"sim-{seed}-{acc.account_id}-{stamp}", "account_id": acc.account_id,
             "made_at": contact.at.isoformat(), "amount": str(money), "due": due.isoformat(), "by": "simulated"}
        )  # fmt: skip
    elif u < t.complain + t.promise + t.pay_now:
        at = contact.at + timedelta(minutes=30 + int(uniform(seed, *parts, "when") * 150))
        out.payments.append(
            {"payment_id": f"sim-{seed}-{acc.account_id}-{stamp}-pay", "account_id": acc.account_id,
             "at": at.isoformat(), "amount": str(money), "currency": acc.currency}
        )  # fmt: skip


def _key(c: Contact) -> tuple[str, datetime, str]:
    return (c.account_id, c.at, c.channel)


# The dialer's pre-dial check: (contact, the lines the day has brought so far) -> None when it
# may be made, else why not (`engine.simulate.dialer.Dialer`).
DialCheck = Callable[[Contact, list[dict[str, Any]]], str | None]


def day_outcomes(
    seed: int, contacts: list[Contact], accounts: dict[str, AccountView], dial: DialCheck | None = None
) -> DayOutcomes:
    """Every contact's outcome (one per account, instant and channel, the history's key); at most
    one commitment per account (its first conversation or reply). In time order per account, so
    `dial` sees what the day's earlier contacts brought; a contact it refuses does not take place."""
    out, committed = DayOutcomes(), set()
    for contact in sorted({_key(c): c for c in contacts}.values(), key=_key):
        acc = accounts.get(contact.account_id)
        if acc is None or (dial is not None and dial(contact, out.history) is not None):
            continue
        t = customer_type(seed, acc.account_id, acc.flags)
        outcome, party = respond(seed, t, contact, acc.timezone)
        out.history.append(history_line(contact, outcome, party))
        if outcome in ("conversation", "replied") and party == "debtor" and acc.account_id not in committed:
            committed.add(acc.account_id)
            commitment(seed, t, contact, acc, out)
    return out


def _call_back(seed: int, t: CustomerType, contact: Contact, acc: AccountView) -> Contact | None:
    """The debtor's inbound call prompted by `contact`, when this contact prompts one."""
    parts = (contact.account_id, contact.at.isoformat(), contact.channel)
    if uniform(seed, *parts, "call_back") >= t.call_back:
        return None
    day = local(contact.at, acc.timezone).date() + timedelta(days=1 + int(uniform(seed, *parts, "cb_day") * 3))
    minute = int(uniform(seed, *parts, "cb_minute") * 7 * 60)  # 12:00–18:59, after the day's run
    at = datetime.combine(day, time(12), ZoneInfo(acc.timezone or "UTC")) + timedelta(minutes=minute)
    return Contact(acc.account_id, at, "call", "debtor", None, None, INBOUND, True)


def callbacks(
    seed: int, first: date, until: date, contacts: list[Contact], accounts: dict[str, AccountView]
) -> DayOutcomes:
    """Inbound conversations on dates in [first, until) prompted by earlier contacts that reached
    no conversation; at most one per account, each with a chance of a commitment."""
    out, called = DayOutcomes(), set()
    for contact in sorted(contacts, key=lambda c: (c.account_id, c.at, c.channel)):
        acc = accounts.get(contact.account_id)
        if acc is None or acc.account_id in called or contact.party != "debtor":
            continue
        t = customer_type(seed, acc.account_id, acc.flags)
        if respond(seed, t, contact, acc.timezone)[0] == "conversation":
            continue
        inbound = _call_back(seed, t, contact, acc)
        if inbound is None or not first <= local(inbound.at, acc.timezone).date() < until:
            continue
        called.add(acc.account_id)
        out.history.append(history_line(inbound, "conversation", "debtor", "inbound"))
        commitment(seed, t, inbound, acc, out)
    return out


def pay_date(seed: int, t: CustomerType, promise_id: str, made: date, due: date) -> date | None:
    """When a promise is paid (fixed at its making), or None when it is broken for good."""
    if uniform(seed, promise_id, "breaks") < t.breaks:
        return None
    if uniform(seed, promise_id, "on_time") < t.on_time:
        span = max((due - made).days, 1)
        return due - timedelta(days=int(uniform(seed, promise_id, "early") * span))
    return due + timedelta(days=1 + int(uniform(seed, promise_id, "late") * t.late_days))


def promise_payments(
    seed: int, first: date, until: date, promises: list[dict[str, Any]], accounts: dict[str, AccountView]
) -> list[dict[str, Any]]:
    """Payments of simulated promises whose pay date is in [first, until): the days between two runs."""
    out = []
    for p in sorted(promises, key=lambda p: p["promise_id"]):
        acc = accounts.get(p["account_id"])
        if acc is None or acc.currency is None or acc.balance <= 0:
            continue
        t = customer_type(seed, acc.account_id, acc.flags)
        made = local(datetime.fromisoformat(p["made_at"]), acc.timezone).date()
        when = pay_date(seed, t, p["promise_id"], made, date.fromisoformat(p["due"]))
        if when is None or not first <= when < until:
            continue
        hour = 9 + int(uniform(seed, p["promise_id"], "hour") * 10)
        at = datetime.combine(when, time(hour), ZoneInfo(acc.timezone or "UTC"))
        money = min(Decimal(p["amount"]), acc.balance)
        out.append({"payment_id": f"{p['promise_id']}-pay", "account_id": acc.account_id, "at": at.isoformat(),
                    "amount": str(money), "currency": acc.currency})  # fmt: skip
    return out
