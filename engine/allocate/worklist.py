"""A collector's day as slots: follow-ups at their time, then new cases by priority.

The day is cut into slots of the roster's `handle_minutes` from the start of the collector's
hours (in their zone); a slot must end by the end of those hours. A case may take a slot only
when a call is lawful on the debtor's clock at both the slot's first and last minute
(`engine.compliance.hours.call_allowed`, the pack's own time-of-day rules with the playbook's
limits). Follow-ups (a promise due today, a callback the debtor asked for) come first, each
in the first free lawful slot at or after its time; then the other cases by priority, each in
the first free lawful slot. A case with no such slot is returned as unslotted with the
reason, never dropped. The best time to call (a model, later) will only change the order
candidates are tried in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from engine.compliance.hours import call_allowed, hours_key
from engine.compliance.timeutil import at_local, minutes, zone
from engine.contracts.facts import Account


@dataclass(frozen=True)
class Work:
    """One allocated case on a collector's day."""

    account: Account
    priority: int
    reason: str
    follow_up: datetime | None = None  # a promise due, a callback asked for: at or after this time
    limits: Any = None  # the account's playbook's compliance limits (None: the pack's defaults)


@dataclass(frozen=True)
class Slot:
    collector: str
    position: int
    account_id: str
    at: datetime
    priority: int
    reason: str

    def to_json(self) -> dict[str, Any]:
        """The contract's worklist item."""
        return {
            "collector": self.collector,
            "position": self.position,
            "account_id": self.account_id,
            "slot": self.at.isoformat(),
            "priority": self.priority,
            "reason": self.reason,
        }


@dataclass
class Day:
    slots: list[Slot] = field(default_factory=list)
    unslotted: list[tuple[Work, str]] = field(default_factory=list)


def slot_starts(day: date, hours: tuple[str, str], tz_name: str, handle_minutes: int) -> list[datetime]:
    """The slots' start instants: from the start of hours, each ending by their end."""
    start, end = minutes(hours[0]), minutes(hours[1])
    tz = zone(tz_name)
    return [at_local(day, m, tz) for m in range(start, end - handle_minutes + 1, handle_minutes)]


class _Lawful:
    """Which slots are lawful for an account: asked once per hours key and limits, then cached."""

    def __init__(self, starts: Sequence[datetime], handle_minutes: int) -> None:
        self.starts, self.last = starts, timedelta(minutes=handle_minutes - 1)
        self.cache: dict[tuple[object, ...], list[bool]] = {}

    def mask(self, work: Work) -> list[bool]:
        key = (*hours_key(work.account), id(work.limits))
        if key not in self.cache:
            ok = [
                call_allowed(work.account, s, work.limits) and call_allowed(work.account, s + self.last, work.limits)
                for s in self.starts
            ]
            self.cache[key] = ok
        return self.cache[key]


def plan_day(
    collector: str, day: date, hours: tuple[str, str], tz_name: str, handle_minutes: int, works: Sequence[Work]
) -> Day:
    """Place each case of one collector's day in a lawful slot (module docstring for the order)."""
    starts = slot_starts(day, hours, tz_name, handle_minutes)
    lawful, taken = _Lawful(starts, handle_minutes), [False] * len(starts)
    follow = sorted((w for w in works if w.follow_up is not None), key=lambda w: w.follow_up)  # type: ignore[arg-type, return-value]
    fresh = sorted((w for w in works if w.follow_up is None), key=lambda w: -w.priority)
    out, placed = Day(), []
    for work in [*follow, *fresh]:
        mask = lawful.mask(work)
        found = next(
            (
                k
                for k, s in enumerate(starts)
                if not taken[k] and mask[k] and (work.follow_up is None or s >= work.follow_up)
            ),
            None,
        )
        if found is None:
            why = "no free slot inside the collector's hours and the lawful calling hours"
            if work.follow_up is not None:
                why += f" at or after {work.follow_up.isoformat()}"
            out.unslotted.append((work, why))
            continue
        taken[found] = True
        placed.append((starts[found], work))
    placed.sort(key=lambda p: p[0])
    out.slots = [
        Slot(collector, n, w.account.account_id, at, w.priority, w.reason) for n, (at, w) in enumerate(placed, 1)
    ]
    return out
