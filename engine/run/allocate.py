"""The daily run's allocation step: today's collector and agency cases → collectors' worklists,
agency placement files and the overflow, recorded in `allocations` (issue #11).

Runs after every chunk of the date is decided (it needs the whole day's cases at once): the
cases are the date's `assignments` of kind `collector` or `agency`, each with the priority and
playbook of its latest decision of the date. With no approved roster the step does nothing
and says so. Where an account's **language** comes from: `attributes.language` (an ISO 639
code such as `zh`, `en`), else the language of its playbook's `locale` (`zh_CN` → `zh`).
Follow-ups: an open promise due today (first lawful slot of the day) and a callback the
debtor asked for (`consent_until` of a contact in their history, on today's date in the
roster's zone: at or after that time).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select

from engine.allocate.allocation import Case, Desk, allocate
from engine.allocate.placements import agency_for_queue, placement_csv
from engine.allocate.worklist import Work, plan_day
from engine.contracts.facts import Account
from engine.playbook.roster import Roster
from engine.store.allocations import previous_collectors, replace_day
from engine.store.models import AccountRow, Assignment, ContactHistoryRow, DecisionRow, Promise
from engine.store.playbooks import loaded_by_sha
from engine.store.roster import approved_roster


@dataclass
class DayCase:
    account_id: str
    kind: str
    queue: str
    priority: int
    playbook: str
    facts: str


@dataclass
class Outcome:
    rows: list[dict[str, Any]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    teams: dict[str, Counter[str]] = field(default_factory=dict)


def _cases(engine: Engine, day: str) -> list[DayCase]:
    """The date's collector and agency cases with their latest decision's priority and playbook."""
    latest = (
        select(func.max(DecisionRow.id).label("id"))
        .where(DecisionRow.business_date == day)
        .group_by(DecisionRow.account_id)
        .subquery()
    )
    query = (
        select(
            Assignment.account_id,
            Assignment.kind,
            Assignment.queue,
            DecisionRow.decision,
            DecisionRow.playbook_sha256,
            AccountRow.facts,
        )
        .join(DecisionRow, (DecisionRow.account_id == Assignment.account_id) & (DecisionRow.business_date == day))
        .join(latest, latest.c.id == DecisionRow.id)
        .join(AccountRow, AccountRow.account_id == Assignment.account_id)
        .where(Assignment.business_date == day, Assignment.kind.in_(("collector", "agency")))
        .order_by(Assignment.account_id)
    )
    with engine.connect() as conn:
        return [
            DayCase(a, kind, queue or "", json.loads(decision).get("priority") or 0, sha, facts)
            for a, kind, queue, decision, sha, facts in conn.execute(query)
        ]


def _language(facts: dict[str, Any], locale: str) -> str:
    value = (facts.get("attributes") or {}).get("language")
    return value.strip().lower() if isinstance(value, str) and value.strip() else locale.split("_")[0]


def _desks(roster: Roster, day: date) -> list[Desk]:
    return [
        Desk(c.id, frozenset(c.queues), frozenset(c.languages), 0 if day in c.absent else c.capacity)
        for c in roster.collectors
    ]


def _follow_ups(engine: Engine, day: date, ids: list[str], tz: ZoneInfo) -> dict[str, tuple[datetime, str]]:
    """account → (time, reason) of today's follow-up: a promise due, or a callback asked for."""
    out: dict[str, tuple[datetime, str]] = {}
    start = datetime.combine(day, datetime.min.time(), tz)
    with engine.connect() as conn:
        for at in range(0, len(ids), 900):
            part = ids[at : at + 900]
            due = select(Promise.account_id).where(
                Promise.account_id.in_(part), Promise.due_date == day.isoformat(), Promise.state == "open"
            )
            for (account_id,) in conn.execute(due):
                out[account_id] = (start, "promise due today")
            asked = select(ContactHistoryRow.account_id, ContactHistoryRow.body).where(
                ContactHistoryRow.account_id.in_(part), ContactHistoryRow.body.contains("consent_until")
            )
            for account_id, body in conn.execute(asked):
                until = json.loads(body).get("consent_until")
                when = datetime.fromisoformat(until).astimezone(tz) if until else None
                if when is not None and when.date() == day and account_id not in out:
                    out[account_id] = (when, f"callback asked for {when.strftime('%H:%M')}")
    return out


def _row(day: str, run_id: str, case: DayCase, outcome: str, **extra: Any) -> dict[str, Any]:
    base = {
        "business_date": day,
        "account_id": case.account_id,
        "queue": case.queue,
        "outcome": outcome,
        "collector": None,
        "overflow_to": None,
        "slot": None,
        "position": None,
        "priority": case.priority,
        "reason": "",
        "flow_run_id": run_id,
    }
    return {**base, **extra}


def _agencies(
    roster: Roster, day: str, run_id: str, cases: list[DayCase], out_dir: Path | None, result: Outcome
) -> None:
    """Agency cases → one masked placement file per agency; a queue nobody takes → unplaced."""
    by_queue = agency_for_queue(roster.agencies)
    placed: dict[str, list[Account]] = {}
    for case in cases:
        agency = by_queue.get(case.queue)
        if agency is None:
            result.rows.append(
                _row(day, run_id, case, "unplaced", reason=f"no agency of the roster takes {case.queue}")
            )
            result.counts["unplaced"] += 1
            continue
        placed.setdefault(agency.id, []).append(Account.model_validate_json(case.facts))
        result.rows.append(_row(day, run_id, case, "agency", collector=agency.id, reason="placed"))
        result.counts["agency"] += 1
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        agencies = {a.id: a for a in roster.agencies}
        for agency_id, accounts in placed.items():
            (out_dir / f"{agency_id}.csv").write_text(placement_csv(agencies[agency_id], accounts), encoding="utf-8")


def _collectors(engine: Engine, roster: Roster, day: date, run_id: str, cases: list[DayCase], result: Outcome) -> None:
    """Allocate the collector cases, then plan each collector's day in lawful slots."""
    books = {b.sha256: b for b in loaded_by_sha(engine, sorted({c.playbook for c in cases}))}
    facts = {c.account_id: json.loads(c.facts) for c in cases}
    with engine.connect() as conn:
        previous = previous_collectors(conn, day.isoformat())
    todo = []
    for c in cases:
        rules = books[c.playbook].playbook.allocation
        todo.append(
            Case(
                c.account_id,
                c.queue,
                _language(facts[c.account_id], books[c.playbook].playbook.locale),
                c.priority,
                c.priority >= rules.top_band_priority,
                rules.top_band_share,
                previous.get(c.account_id),
                rules.overflow_queue,
            )
        )
    done = allocate(todo, _desks(roster, day))
    by_id = {c.account_id: c for c in cases}
    for account_id in done.overflow:
        case = by_id[account_id]
        robot = books[case.playbook].playbook.allocation.robot_queue
        result.rows.append(
            _row(
                day.isoformat(),
                run_id,
                case,
                "overflow",
                overflow_to=robot,
                reason=f"no collector of {case.queue} with room",
            )
        )
        result.counts["overflow"] += 1
        result.teams.setdefault(case.queue, Counter())["overflow"] += 1
    _plan(engine, roster, day, run_id, [by_id[a] for a in done.collector], done, books, result)


def _plan(
    engine: Engine,
    roster: Roster,
    day: date,
    run_id: str,
    cases: list[DayCase],
    done: Any,
    books: dict[str, Any],
    result: Outcome,
) -> None:
    follow = _follow_ups(engine, day, [c.account_id for c in cases], ZoneInfo(roster.timezone))
    works: dict[str, list[tuple[Work, DayCase]]] = {}
    for c in cases:
        served = done.served_queue[c.account_id]
        when, why = follow.get(c.account_id, (None, ""))
        why = why or ("continuing" if c.account_id in done.continued else "new case")
        if served != c.queue:
            why += f" (overflow from {c.queue})"
        work = Work(Account.model_validate_json(c.facts), c.priority, why, when, books[c.playbook].compliance_limits)
        works.setdefault(done.collector[c.account_id], []).append((work, c))
    for collector in roster.collectors:
        items = works.get(collector.id, [])
        plan = plan_day(
            collector.id, day, collector.hours, roster.zone_of(collector), roster.handle_minutes, [w for w, _ in items]
        )
        by_id = {w.account.account_id: c for w, c in items}
        for slot in plan.slots:
            case = by_id[slot.account_id]
            result.rows.append(
                _row(
                    day.isoformat(),
                    run_id,
                    case,
                    "collector",
                    collector=collector.id,
                    queue=done.served_queue[slot.account_id],
                    slot=slot.at.isoformat(),
                    position=slot.position,
                    reason=slot.reason,
                )
            )
            result.counts["slotted"] += 1
            result.teams.setdefault(case.queue, Counter())["slotted"] += 1
        for work, why in plan.unslotted:
            case = by_id[work.account.account_id]
            result.rows.append(
                _row(
                    day.isoformat(),
                    run_id,
                    case,
                    "collector",
                    collector=collector.id,
                    queue=done.served_queue[case.account_id],
                    reason=f"{work.reason}; {why}",
                )
            )
            result.counts["unslotted"] += 1
            result.teams.setdefault(case.queue, Counter())["unslotted"] += 1


def allocate_day(engine: Engine, day: str, run_id: str, out_dir: Path | None = None) -> dict[str, Any]:
    """Allocate, slot and record the date; returns the counts for the run's JSON and artifacts."""
    loaded = approved_roster(engine)
    if loaded is None:
        return {"roster": None, "skipped": "no approved roster"}
    cases = _cases(engine, day)
    result = Outcome()
    _collectors(
        engine, loaded.roster, date.fromisoformat(day), run_id, [c for c in cases if c.kind == "collector"], result
    )
    _agencies(loaded.roster, day, run_id, [c for c in cases if c.kind == "agency"], out_dir, result)
    with engine.begin() as conn:
        replace_day(conn, day, result.rows)
    counts = {k: result.counts.get(k, 0) for k in ("slotted", "unslotted", "overflow", "agency", "unplaced")}
    return {"roster": loaded.identity, **counts, "teams": {q: dict(c) for q, c in sorted(result.teams.items())}}
