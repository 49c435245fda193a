"""Event ingestion: complaints, media, emotion and regulator events → emergencies.

`Correlator` is the Python API: feed events (any order within a call is fine — each batch is
sorted by time) and it applies the plan's correlation rules through the durable_rules
`CorrelationEngine`, keeping window state between calls for a long-running consumer.
Tiers 2 and 3 are declared at once; Tier 1 is recorded as a *proposal* that a person
confirms (`arrears emergency confirm ID --by USER`). An emergency already in force with the
same tier and scope (or a pending proposal) is not declared twice.

`arrears events ingest FILE.jsonl` stores the file's events and correlates them together
with the stored events of the preceding window, so windows span ingests.

Event line: `{"event_id", "kind", "at", "account_id", "debtor_id", "collector", "agency",
"jurisdiction", "segment", "channel", "names_lender", "source", "text"}` — `kind` and `at`
required; unknown keys are errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from emergency.model import EmergencyRecord, EmergencyRepository, StoredEvent
from emergency.plan import LoadedPlan, parse_duration
from emergency.rules import CorrelationHit, compile_rules
from emergency.scope import parse_scope
from emergency.service import declare
from engine.contracts.facts import AwareDatetime
from engine.contracts.jsonl import read_models
from engine.match.durable_adapter import CorrelationEngine


class Event(BaseModel):
    """One ingested event (JSON Lines)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: str | None = None
    kind: Literal["complaint", "media", "emotion_escalation", "regulator_complaint"]
    at: AwareDatetime
    account_id: str | None = None
    debtor_id: str | None = None
    collector: str | None = None
    agency: str | None = None
    jurisdiction: str | None = None
    segment: str | None = None
    lender: str | None = None
    channel: str | None = None
    names_lender: bool | None = None
    source: str | None = None
    text: str | None = None


class Correlator:
    """Plan correlation rules over a stream of events, declaring or proposing emergencies."""

    def __init__(self, repo: EmergencyRepository, plan: LoadedPlan, by: str = "event-correlation") -> None:
        self.repo, self.plan, self.by = repo, plan, by
        self.rules = {c.id: c for c in plan.plan.correlations}
        self.engine = CorrelationEngine(compile_rules(plan.plan))
        self._seq = 0

    def _already(self, tier: int, scope: str, kind: str, at: datetime) -> EmergencyRecord | None:
        for record in self.repo.all():
            if record.tier != tier or record.scope != scope:
                continue
            if kind == "proposal" and record.kind == "proposal" and record.state(at) == "proposed":
                return record
            if record.kind == "declaration" and record.enforced(at):
                return record
        return None

    def _apply(self, hit: CorrelationHit, events: dict[str, Event], at: datetime) -> dict[str, Any]:
        rule = self.rules[hit.rule_id]
        scope = str(parse_scope(rule.then.scope.replace("{" + str(rule.group_by) + "}", hit.subject or "")))
        kind = "proposal" if rule.then.mode == "propose" else "declaration"
        first, last = events[hit.event_ids[0]], events[hit.event_ids[-1]]
        outcome = {"rule": hit.rule_id, "tier": rule.then.tier, "scope": scope, "events": list(hit.event_ids)}
        existing = self._already(rule.then.tier, scope, kind, at)
        if existing:
            return {**outcome, "result": "already_in_force", "emergency_id": existing.emergency_id}
        reason = (
            f"{(rule.description or rule.id).rstrip('.')}: {len(hit.event_ids)} {rule.event} event(s) "
            f"from {first.at.isoformat()} to {last.at.isoformat()} ({', '.join(hit.event_ids)})"
        )
        record = declare(
            self.repo,
            self.plan,
            tier=rule.then.tier,
            scope=scope,
            reason=reason,
            by=self.by,
            at=at,
            kind=kind,
            source=f"correlation:{rule.id}",
        )
        result = "proposed" if kind == "proposal" else "declared"
        return {**outcome, "result": result, "emergency_id": record.emergency_id}

    def feed(
        self, events: Iterable[Event], at: datetime | None = None, triggered_by: set[str] | None = None
    ) -> list[dict[str, Any]]:
        """Correlate a batch of events; returns what each rule hit led to.

        With `triggered_by`, only hits completed by one of those events act: earlier events
        replayed to rebuild the windows must not raise again what they raised before.
        """
        at = at or datetime.now(UTC)
        by_id: dict[str, Event] = {}
        ordered = []
        for event in events:
            self._seq += 1
            eid = event.event_id or f"event-{self._seq}"
            by_id[eid] = event
            ordered.append((event.at, self._seq, eid, event))
        ordered.sort(key=lambda item: (item[0], item[1]))
        outcomes = []
        for when, _, eid, event in ordered:
            payload = event.model_dump(exclude_none=True, exclude={"at", "text", "event_id"})
            payload.update({"event_id": eid, "t": int(when.timestamp())})
            for hit in self.engine.feed(payload):
                if triggered_by is None or hit.event_ids[-1] in triggered_by:
                    outcomes.append(self._apply(hit, by_id, at))
        return outcomes


def read_events(path: str | Path) -> list[Event]:
    """Every event of a JSONL file; a bad line is an `InputError` naming file, line and field."""
    events = []
    for lineno, event in read_models(path, Event):
        events.append(event if event.event_id else event.model_copy(update={"event_id": f"{Path(path).name}:{lineno}"}))
    return events


def ingest_file(repo: EmergencyRepository, plan: LoadedPlan, path: str | Path) -> list[dict[str, Any]]:
    """`arrears events ingest`: validate the whole file, keep its events, then correlate.

    Events are stored (idempotently, by `event_id`), and the stored events inside the
    longest correlation window before the new ones are replayed with them, so windows span
    ingests. Only hits that a newly ingested event completes act; re-ingesting a file does
    nothing new.
    """
    events = read_events(path)
    if not events:
        return []
    stored = [StoredEvent(e.event_id or "", e.kind, e.at, e.model_dump_json()) for e in events]
    new_ids = repo.store_events(stored)
    longest = max((parse_duration(c.within) for c in plan.plan.correlations), default=timedelta(0))
    start = min(e.at for e in events) - longest
    end = max(e.at for e in events)
    window = [Event.model_validate_json(s.body) for s in repo.events_between(start, end)]
    return Correlator(repo, plan).feed(window, triggered_by=new_ids)
