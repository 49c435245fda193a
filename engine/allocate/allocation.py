"""Who works which collector case today: a greedy over sorted arrays, no per-case queries.

The order of service (one sort of every case):

1. The 80/20 rule (D16): per queue, the top value band (priority ≥ the playbook's
   `allocation.top_band_priority`) is served first up to `top_band_share` of the queue's
   capacity, the other cases up to the rest of it (tier 0); what is left of both comes after
   (tier 1), top band first. With `top_band_share: 1` this is plain priority order.
2. Inside a tier and band: priority descending, then the input order (the daily run gives
   the cases by account id, so the order is deterministic).

Then three passes over that order:

* **continuity**: a case whose collector of yesterday is still eligible (works today, serves
  the case's queue and language) stays with them while they have room;
* **fill**: every other case goes to an eligible collector with room, round-robin over the
  (queue, language) pool so the day's work spreads evenly;
* **fallback**: a case that found nobody tries the queue its playbook names
  (`overflow: queue NAME`); what still finds nobody overflows to the robot queue.

Nobody ever exceeds their capacity (a collector's capacity is 0 on a day they are absent)
and every case is placed at most once. `bench/allocate.py` measures it on 1M cases.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Case:
    """One collector case of the day, as the allocation sees it."""

    account_id: str
    queue: str
    language: str
    priority: int
    top: bool = False  # in the playbook's top value band
    share: float = 1.0  # the top band's share of the queue's capacity (its playbook's)
    previous: str | None = None  # yesterday's collector
    fallback: str | None = None  # the queue its playbook overflows to, None: the robot queue


@dataclass(frozen=True, slots=True)
class Desk:
    """One collector on the day: what they serve and how many cases they can take."""

    id: str
    queues: frozenset[str]
    languages: frozenset[str]
    capacity: int


@dataclass
class Allocation:
    """The day's outcome: account → collector, the queue each case was served in, and the
    overflow (in service order, so the list reads from the most to the least important)."""

    collector: dict[str, str] = field(default_factory=dict)
    served_queue: dict[str, str] = field(default_factory=dict)
    continued: set[str] = field(default_factory=set)
    overflow: list[str] = field(default_factory=list)
    load: dict[str, int] = field(default_factory=dict)


def _queue_capacity(desks: Sequence[Desk]) -> dict[str, int]:
    out: dict[str, int] = {}
    for d in desks:
        for q in d.queues:
            out[q] = out.get(q, 0) + d.capacity
    return out


def service_order(cases: Sequence[Case], desks: Sequence[Desk]) -> list[int]:
    """Indexes of `cases` in the order they are served (the 80/20 tiers, then priority).

    One stable sort on an integer key (band, priority): ties keep the input order, which the
    daily run gives by account id. The tiers then split that order in one pass."""
    if not cases:
        return []
    low = min(c.priority for c in cases)
    span = max(c.priority for c in cases) - low + 1
    keys = [(0 if c.top else span) + span - 1 - (c.priority - low) for c in cases]
    ranked = sorted(range(len(cases)), key=keys.__getitem__)
    capacity = _queue_capacity(desks)
    seen: dict[tuple[str, bool], int] = {}
    room: dict[tuple[str, bool], int] = {}
    first: list[int] = []
    later: list[int] = []
    for i in ranked:
        c = cases[i]
        band = (c.queue, c.top)
        if band not in room:
            whole = capacity.get(c.queue, 0)
            top_room = math.ceil(whole * c.share)
            room[band] = top_room if c.top else whole - top_room
        rank = seen.get(band, 0)
        seen[band] = rank + 1
        (first if rank < room[band] else later).append(i)
    return first + later


class _Pools:
    """Eligible desks with room per (queue, language), served round-robin; full desks drop out."""

    def __init__(self, desks: Sequence[Desk], room: dict[str, int]) -> None:
        self.desks, self.room = desks, room
        self.pools: dict[tuple[str, str], list[str]] = {}
        self.next: dict[tuple[str, str], int] = {}

    def take(self, queue: str, language: str) -> str | None:
        key = (queue, language)
        pool = self.pools.get(key)
        if pool is None:
            pool = [d.id for d in self.desks if queue in d.queues and language in d.languages and self.room[d.id] > 0]
            self.pools[key], self.next[key] = pool, 0
        if not pool:
            return None
        at, room = self.next[key], self.room
        while pool:
            at %= len(pool)
            desk = pool[at]
            if room[desk] > 0:
                room[desk] -= 1
                self.next[key] = at + 1
                return desk
            pool.pop(at)
        return None


def _continuity(
    cases: Sequence[Case], order: list[int], by_id: dict[str, Desk], room: dict[str, int], out: Allocation
) -> None:
    """Yesterday's collector keeps the case while they have room (and still serve it)."""
    for i in order:
        c = cases[i]
        if c.previous is None:
            continue
        desk = by_id.get(c.previous)
        if desk is not None and room[desk.id] > 0 and c.queue in desk.queues and c.language in desk.languages:
            room[desk.id] -= 1
            out.collector[c.account_id] = desk.id
            out.served_queue[c.account_id] = c.queue
            out.continued.add(c.account_id)


def allocate(cases: Sequence[Case], desks: Sequence[Desk]) -> Allocation:
    """Place each case with at most one desk (see the module docstring for the rules)."""
    ids = [d.id for d in desks]
    if len(set(ids)) != len(ids):
        raise ValueError("two desks share an id")
    if len({c.account_id for c in cases}) != len(cases):
        raise ValueError("an account is listed twice among the day's cases")
    room = {d.id: d.capacity for d in desks}
    order = service_order(cases, desks)
    out = Allocation()
    _continuity(cases, order, {d.id: d for d in desks}, room, out)
    pools, collector, served = _Pools(desks, room), out.collector, out.served_queue
    waiting = []
    for i in order:
        c = cases[i]
        if c.account_id in collector:
            continue
        desk_id = pools.take(c.queue, c.language)
        if desk_id is None:
            waiting.append(c)
        else:
            collector[c.account_id], served[c.account_id] = desk_id, c.queue
    for c in waiting:
        desk_id = pools.take(c.fallback, c.language) if c.fallback and c.fallback != c.queue else None
        if desk_id is None:
            out.overflow.append(c.account_id)
        else:
            collector[c.account_id], served[c.account_id] = desk_id, c.fallback  # type: ignore[assignment]
    out.load = {d.id: d.capacity - room[d.id] for d in desks}
    return out
