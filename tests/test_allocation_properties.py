"""Properties of the day's allocation and worklists over random rosters and portfolios (issue #11).

Allocation: nobody over capacity, no account placed twice (or lost), queue and language
respected, yesterday's collector kept unless they are full, overflow only when every eligible
collector is full. Worklists: every slot inside the collector's hours and inside the hours the
account's compliance pack allows — judged by the pre-contact gate itself, not by the helper
the worklist uses — each account at most once, follow-ups not before their time.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.allocate.allocation import Case, Desk, allocate
from engine.allocate.worklist import Work, plan_day
from engine.compliance.gate import check
from engine.compliance.registry import rules_for
from engine.contracts.facts import Account, Action

QUEUES = ["q1", "q2", "q3"]
LANGS = ["zh", "en"]
TIME_RULES = {r.id for j in ("CN", "UK", "US") for r in rules_for(j) if r.time_of_day}


@st.composite
def day(draw: st.DrawFn) -> tuple[list[Case], list[Desk]]:
    desks = [
        Desk(
            f"C{i}",
            frozenset(draw(st.lists(st.sampled_from(QUEUES), min_size=1, max_size=2, unique=True))),
            frozenset(draw(st.lists(st.sampled_from(LANGS), min_size=1, max_size=2, unique=True))),
            draw(st.integers(0, 6)),
        )
        for i in range(draw(st.integers(0, 6)))
    ]
    ids = [d.id for d in desks] + ["gone"]
    n = draw(st.integers(0, 60))
    cases = [
        Case(
            f"A{i:03d}",
            draw(st.sampled_from(QUEUES)),
            draw(st.sampled_from(LANGS)),
            priority := draw(st.integers(0, 100)),
            priority >= 80,
            draw(st.sampled_from([0.5, 0.8, 1.0])),
            draw(st.none() | st.sampled_from(ids)),
            draw(st.none() | st.sampled_from(QUEUES)),
        )
        for i in range(n)
    ]
    return cases, desks


def _eligible(desk: Desk, queue: str | None, language: str) -> bool:
    return queue is not None and queue in desk.queues and language in desk.languages


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(day())
def test_allocation_respects_capacity_queues_languages_and_continuity(data: tuple[list[Case], list[Desk]]) -> None:
    cases, desks = data
    out = allocate(cases, desks)
    by_id = {d.id: d for d in desks}
    load = Counter(out.collector.values())
    assert all(load[d.id] <= d.capacity for d in desks)
    assert not set(out.collector) & set(out.overflow)
    assert sorted([*out.collector, *out.overflow]) == sorted(c.account_id for c in cases)
    assert len(out.overflow) == len(set(out.overflow))
    for c in cases:
        if c.account_id in out.collector:
            desk = by_id[out.collector[c.account_id]]
            served = out.served_queue[c.account_id]
            assert served in (c.queue, c.fallback) and _eligible(desk, served, c.language)
        else:  # overflow: nobody who could take it had room
            for d in desks:
                if _eligible(d, c.queue, c.language) or _eligible(d, c.fallback, c.language):
                    assert load[d.id] == d.capacity
        previous = by_id.get(c.previous) if c.previous else None
        if previous is not None and _eligible(previous, c.queue, c.language):
            kept = out.collector.get(c.account_id) == previous.id
            assert kept or load[previous.id] == previous.capacity, "continuity broken while the collector had room"


ZONES = ["Asia/Shanghai", "Europe/London", "America/New_York", "America/Los_Angeles"]


@st.composite
def collector_day(draw: st.DrawFn) -> tuple[tuple[str, str], str, int, list[Work]]:
    start = draw(st.integers(0, 20 * 60))
    end = draw(st.integers(start + 30, 24 * 60))
    hours = (f"{start // 60:02d}:{start % 60:02d}", f"{end // 60:02d}:{end % 60:02d}")
    zone = draw(st.sampled_from(ZONES))
    works = []
    for i in range(draw(st.integers(0, 25))):
        jurisdiction = draw(st.sampled_from(["CN", "UK", "US"]))
        prefs = draw(st.none() | st.sampled_from([{"no_calls_before": "10:00"}, {"agreed_hours": ["12:00", "14:00"]}]))
        account = Account(
            account_id=f"A{i}", debtor_id=f"D{i}", jurisdiction=jurisdiction, balance=100, dpd=40,
            timezone=draw(st.none() | st.sampled_from(ZONES)), contact_preferences=prefs,
        )  # fmt: skip
        follow = draw(st.none() | st.integers(0, 24 * 60 - 1))
        at = datetime(2026, 11, 30, tzinfo=ZoneInfo(zone)) + timedelta(minutes=follow) if follow is not None else None
        works.append(Work(account, draw(st.integers(0, 100)), "case", at))
    return hours, zone, draw(st.sampled_from([5, 10, 15, 30])), works


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(collector_day())
def test_every_slot_is_inside_the_collectors_hours_and_the_lawful_hours(
    data: tuple[tuple[str, str], str, int, list[Work]],
) -> None:
    hours, zone, handle, works = data
    plan = plan_day("C1", date(2026, 11, 30), hours, zone, handle, works)
    accounts = [s.account_id for s in plan.slots] + [w.account.account_id for w, _ in plan.unslotted]
    assert sorted(accounts) == sorted(w.account.account_id for w in works)
    assert len({s.at for s in plan.slots}) == len(plan.slots)
    assert [s.position for s in plan.slots] == list(range(1, len(plan.slots) + 1))
    assert [s.at for s in plan.slots] == sorted(s.at for s in plan.slots)
    by_id = {w.account.account_id: w for w in works}
    start = datetime.combine(date(2026, 11, 30), datetime.strptime(hours[0], "%H:%M").time(), ZoneInfo(zone))
    for s in plan.slots:
        local = s.at.astimezone(ZoneInfo(zone))
        minutes = local.hour * 60 + local.minute
        assert local.date() == date(2026, 11, 30) and s.at >= start
        assert minutes + handle <= int(hours[1][:2]) * 60 + int(hours[1][3:])
        work = by_id[s.account_id]
        for at in (s.at, s.at + timedelta(minutes=handle - 1)):
            verdict = check(work.account, [], Action(channel="call", at=at))
            assert not {v.rule for v in verdict.violations} & TIME_RULES, (s, verdict)
        if work.follow_up is not None:
            assert s.at >= work.follow_up
