"""The behaviour model: the deck's customer types (D27, D20) with seeded, documented parameters.

Every draw is a pure function of its inputs (`uniform(seed, *parts)`: sha256 of the parts,
read as a number in [0, 1)), never of a shared random generator's position, so the same seed
gives byte-identical outcomes whatever order accounts are processed in, and one account's
draws do not move when another account is added.

Types (deck §6 names the procrastinator, the resister and the lost contact; §2–§4 the
hardship case, the agitated customer and the fraudster):

| type | who | best hour (local) |
|---|---|---|
| cooperative | pays when reminded, keeps promises | 10 |
| procrastinator | answers late in the evening, promises, pays late or not at all | 20 |
| resister | refuses calls, rarely promises, breaks what it promises | 13 |
| lost_contact | hardly reachable, often someone else answers | 11 |
| hardship | willing but short of money: partial payments, instalments | 15 |
| agitated | answers, escalates, complains | 18 |
| fraudster | answers first thing, promises, never pays | 9 |

An account's type comes from its flags when they say (`lost_contact` → lost_contact,
`fraud_suspect` → fraudster, `vulnerable` → hardship), else from its id and the seed, by the
shares below. Only flags the simulation never sets decide: a complaint it records
(`complaint_open`) leaves the type as it was, so simulating a day again gives the same lines.
The probability that a contact is answered
(a call picked up, a message read) is `answer[group] × exp(-½ (d / spread)²)`, d the distance
in hours from the type's `best_hour` (on the 24-hour circle), floored at 1 %: highest at
`best_hour` by construction, the known answer a best-time-to-call model must recover.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

# Channels grouped by how a debtor answers them: picked up, read, or opened.
CHANNEL_GROUP = {
    "call": "voice", "robot_call": "voice", "visit": "voice", "voicemail": "voice",
    "sms": "text", "messaging": "text", "email": "mail", "letter": "mail",
}  # fmt: skip
ROBOT_FACTOR = 0.8  # a robot call is picked up less often than a person's
FLOOR = 0.01


@dataclass(frozen=True)
class CustomerType:
    """One type's parameters; every probability is per event named.

    share: of the accounts whose flags do not decide the type.
    best_hour, spread: the local hour answered most, and how fast answering falls off (hours).
    answer: peak probability of answering per channel group (voice, text, mail).
    right_party: that the debtor, not someone else, answers a call to the debtor.
    refuse: that an answered call is refused at once.
    reply: that a read message is answered.
    promise: to promise to pay in a conversation (or a reply).
    pay_now: to pay, without promising, within hours of a conversation.
    full: that a promise or payment is for the whole balance (else 10–40 % of it).
    on_time: that a kept promise is paid by its due date (else 1..late_days after it).
    breaks: that a promise is never paid.
    complain: that a conversation ends in a complaint (the account is flagged complaint_open).
    call_back: that a contact which reached no conversation (a message read or not, a call
        unanswered) makes the debtor call in 1..3 days later (an inbound conversation).
    promise_days: a promise falls due 1..promise_days days after it is made.
    """

    name: str
    share: float
    best_hour: int
    spread: float
    answer: dict[str, float]
    right_party: float
    refuse: float
    reply: float
    promise: float
    pay_now: float
    full: float
    on_time: float
    breaks: float
    complain: float
    call_back: float
    promise_days: int = 5
    late_days: int = 4


def _type(name: str, share: float, best: int, spread: float, voice: float, text: float, mail: float,
          **rest: Any) -> CustomerType:  # fmt: skip
    return CustomerType(name, share, best, spread, {"voice": voice, "text": text, "mail": mail}, **rest)


TYPES: dict[str, CustomerType] = {
    t.name: t
    for t in (
        _type("cooperative", 0.30, 10, 4.0, 0.75, 0.80, 0.60, right_party=0.95, refuse=0.02, reply=0.40,
              promise=0.40, pay_now=0.25, full=0.35, on_time=0.90, breaks=0.05, complain=0.01, call_back=0.15),
        _type("procrastinator", 0.30, 20, 3.0, 0.55, 0.60, 0.35, right_party=0.90, refuse=0.05, reply=0.20,
              promise=0.45, pay_now=0.05, full=0.15, on_time=0.35, breaks=0.40, complain=0.02, call_back=0.08),
        _type("resister", 0.15, 13, 3.0, 0.40, 0.35, 0.20, right_party=0.90, refuse=0.40, reply=0.05,
              promise=0.15, pay_now=0.03, full=0.20, on_time=0.50, breaks=0.60, complain=0.05, call_back=0.02),
        _type("lost_contact", 0.05, 11, 5.0, 0.12, 0.15, 0.10, right_party=0.30, refuse=0.05, reply=0.05,
              promise=0.30, pay_now=0.05, full=0.30, on_time=0.50, breaks=0.50, complain=0.01, call_back=0.03),
        _type("hardship", 0.12, 15, 4.0, 0.60, 0.55, 0.40, right_party=0.95, refuse=0.05, reply=0.30,
              promise=0.35, pay_now=0.08, full=0.05, on_time=0.60, breaks=0.30, complain=0.02, call_back=0.12),
        _type("agitated", 0.05, 18, 3.0, 0.55, 0.40, 0.30, right_party=0.90, refuse=0.30, reply=0.10,
              promise=0.20, pay_now=0.05, full=0.20, on_time=0.50, breaks=0.50, complain=0.25, call_back=0.06),
        _type("fraudster", 0.03, 9, 2.0, 0.35, 0.50, 0.50, right_party=0.50, refuse=0.20, reply=0.10,
              promise=0.35, pay_now=0.0, full=1.0, on_time=0.0, breaks=1.0, complain=0.10, call_back=0.05),
    )
}  # fmt: skip
FLAG_TYPES = (("lost_contact", "lost_contact"), ("fraud_suspect", "fraudster"), ("vulnerable", "hardship"))


def uniform(seed: int, *parts: Any) -> float:
    """A number in [0, 1) fixed by the seed and the parts (account, date, contact, purpose)."""
    digest = hashlib.sha256("|".join(map(str, (seed, *parts))).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def customer_type(seed: int, account_id: str, flags: list[str] | tuple[str, ...] = ()) -> CustomerType:
    """The account's type: from its flags when one says, else drawn by the shares."""
    for flag, name in FLAG_TYPES:
        if flag in flags:
            return TYPES[name]
    u, acc = uniform(seed, account_id, "type"), 0.0
    for t in TYPES.values():
        acc += t.share
        if u < acc:
            return t
    return TYPES["cooperative"]


def answer_probability(t: CustomerType, channel: str, hour: float) -> float:
    """How likely a contact on `channel` at local `hour` is answered (picked up, read, opened)."""
    group = CHANNEL_GROUP.get(channel, "mail")
    d = abs(hour - t.best_hour) % 24
    d = min(d, 24 - d)
    p = t.answer[group] * math.exp(-0.5 * (d / t.spread) ** 2)
    if channel == "robot_call":
        p *= ROBOT_FACTOR
    return max(FLOOR, p)


def best_hour(t: CustomerType, channel: str = "call") -> int:
    """The whole local hour with the highest answer probability (the type's `best_hour`)."""
    return max(range(24), key=lambda h: answer_probability(t, channel, h))
