"""Emergency records and the repository interface every store of them implements.

A record is immutable evidence: what was declared (tier, scope, reason, by whom, when),
with a snapshot of the plan's tier at that moment (what it suspends, its cooling-off), so
enforcement never depends on today's plan file and an auditor sees what was in force.
Stand-downs and confirmations are separate facts attached later, never edits of the record.

`InMemoryRepository` is the reference implementation the tests use; the SQL one
(`emergency.repository`) keeps the same behaviour on the system of record.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from emergency import lifecycle

Kind = Literal["declaration", "proposal", "drill"]
ENFORCED_STATES = lifecycle.ENFORCED_STATES


def new_id(prefix: str = "EM", at: datetime | None = None) -> str:
    """`EM-20261128-1a2b3c4d`: sortable by day, unguessable within it."""
    day = (at or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%d")
    return f"{prefix}-{day}-{secrets.token_hex(4)}"


@dataclass(frozen=True)
class StandDownRecord:
    by: tuple[str, ...]
    reason: str
    at: datetime


@dataclass(frozen=True)
class CoolingOffEndRecord:
    """Cooling-off ended early, by these people, for this reason (`end-cooling-off`)."""

    by: tuple[str, ...]
    reason: str
    at: datetime


@dataclass(frozen=True)
class SignOff:
    """One user's sign-off of `action` (`stand_down` or `end_cooling_off`) that needs more
    people than have signed so far: it waits for another user's own confirmation."""

    action: str
    by: str
    reason: str | None
    at: datetime


@dataclass(frozen=True)
class EmergencyRecord:
    emergency_id: str
    tier: int
    scope: str
    reason: str
    declared_by: str
    declared_at: datetime
    kind: Kind = "declaration"
    source: str = "manual"
    plan: str = "emergency.yaml"
    plan_sha256: str = ""
    suspend: dict[str, Any] = field(default_factory=lambda: {"channels": "all", "kinds": "all", "except_kinds": []})
    reassign: dict[str, Any] | None = None
    cooling_off_seconds: int = 0
    stand_down: StandDownRecord | None = None
    cooling_off_end: CoolingOffEndRecord | None = None
    confirmed_as: str | None = None  # a proposal: the declaration it became
    proposal_id: str | None = None  # a declaration: the proposal it confirmed
    signoffs: tuple[SignOff, ...] = ()  # sign-offs awaiting another user, in order

    def state(self, at: datetime | None = None) -> str:
        """The lifecycle state at `at` (default now): see `emergency.lifecycle`."""
        return lifecycle.state_at(self, at or datetime.now(UTC))

    def enforced(self, at: datetime) -> bool:
        return lifecycle.enforced(self, at)

    def blocks(self, channel: str | None, kind: str | None) -> bool:
        """Whether this emergency's suspension covers an action of this channel and kind."""
        s = self.suspend
        if kind in (s.get("except_kinds") or ()):
            return False
        if s.get("channels", "all") != "all" and channel not in s["channels"]:
            return False
        return s.get("kinds", "all") == "all" or kind in s["kinds"]

    def status_json(self, at: datetime | None = None) -> dict[str, Any]:
        """The contract's status row, plus fields a program may find useful."""
        at = at or datetime.now(UTC)
        out = {
            "emergency_id": self.emergency_id,
            "tier": self.tier,
            "scope": self.scope,
            "declared_by": self.declared_by,
            "declared_at": self.declared_at.isoformat(),
            **lifecycle.view(self, at),
            "kind": self.kind,
            "reason": self.reason,
            "source": self.source,
        }
        if self.stand_down:
            out["stood_down_by"] = list(self.stand_down.by)
            out["stood_down_at"] = self.stand_down.at.isoformat()
        if self.cooling_off_end:
            out["cooling_off_ended_by"] = list(self.cooling_off_end.by)
            out["cooling_off_ended_at"] = self.cooling_off_end.at.isoformat()
        if self.confirmed_as:
            out["confirmed_as"] = self.confirmed_as
        if self.proposal_id:
            out["proposal_id"] = self.proposal_id
        return out


@dataclass(frozen=True)
class NoticeRecord:
    """A rendered notice in the internal notices outbox, with its acknowledgement state."""

    notice_id: str
    emergency_id: str
    notice: str
    role: str
    address: str
    title: str
    body: str
    drill: bool
    filed_at: datetime
    ack_due: datetime
    escalate_to: str | None = None
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    escalated_at: datetime | None = None


# Stable audit event codes (the auditors' interface: never renamed).
EVENTS = {
    "declaration": "EMERGENCY_DECLARED",
    "proposal": "EMERGENCY_PROPOSED",
    "drill": "EMERGENCY_DRILL_STARTED",
}
STOOD_DOWN = "EMERGENCY_STOOD_DOWN"
SIGNOFF_EVENTS = {
    "stand_down": "EMERGENCY_STAND_DOWN_REQUESTED",
    "end_cooling_off": "EMERGENCY_COOLING_OFF_END_REQUESTED",
}
COOLING_OFF_ENDED = "EMERGENCY_COOLING_OFF_ENDED"
CONFIRMED = "EMERGENCY_CONFIRMED"
NOTICE_FILED = "EMERGENCY_NOTICE_FILED"
NOTICE_ACKNOWLEDGED = "EMERGENCY_NOTICE_ACKNOWLEDGED"
NOTICE_ESCALATED = "EMERGENCY_NOTICE_ESCALATED"
RESPONSE_COMPLETED = "EMERGENCY_RESPONSE_COMPLETED"


def declaration_details(record: EmergencyRecord) -> dict[str, Any]:
    """What the audit line of a declaration, proposal or drill carries: the whole record."""
    return {
        "emergency_id": record.emergency_id,
        "kind": record.kind,
        "tier": record.tier,
        "scope": record.scope,
        "reason": record.reason,
        "declared_at": record.declared_at.isoformat(),
        "source": record.source,
        "plan": record.plan,
        "plan_sha256": record.plan_sha256,
        "suspend": record.suspend,
        "reassign": record.reassign,
        "cooling_off_seconds": record.cooling_off_seconds,
        "proposal_id": record.proposal_id,
    }


class EmergencyRepository(Protocol):
    """What the emergency layer needs from a store.

    Each mutating method is one committed change *and* its audit line (`EVENTS` codes), so a
    declaration can never exist without its record in the chain, nor the other way round.
    """

    def add(self, record: EmergencyRecord) -> None: ...

    def confirm(self, proposal_id: str, record: EmergencyRecord) -> None: ...

    def get(self, emergency_id: str) -> EmergencyRecord | None: ...

    def all(self) -> list[EmergencyRecord]: ...

    def enforced(self, at: datetime) -> list[EmergencyRecord]: ...

    def record_stand_down(self, emergency_id: str, stand_down: StandDownRecord) -> None: ...

    def record_cooling_off_end(self, emergency_id: str, end: CoolingOffEndRecord) -> None: ...

    def record_signoff(self, emergency_id: str, signoff: SignOff) -> None: ...

    def add_notice(self, notice: NoticeRecord) -> None: ...

    def notices(self, emergency_id: str | None = None) -> list[NoticeRecord]: ...

    def acknowledge(self, notice_id: str, by: str, at: datetime) -> NoticeRecord: ...

    def mark_escalated(self, notice_id: str, at: datetime) -> None: ...

    def audit(self, event: str, actor: str, subject: str, details: dict[str, Any]) -> None: ...

    def store_events(self, events: list[StoredEvent]) -> set[str]:
        """Keep events for later correlation; returns the ids not seen before (idempotent)."""
        ...

    def events_between(self, start: datetime, end: datetime) -> list[StoredEvent]:
        """Stored events with `start <= at <= end`, in time order."""
        ...


@dataclass(frozen=True)
class StoredEvent:
    """An ingested event as the store keeps it: id, kind, time and the JSON line itself."""

    event_id: str
    kind: str
    at: datetime
    body: str


class InMemoryRepository:
    """The reference repository: a few dicts and an audit list. Used by tests."""

    def __init__(self) -> None:
        self._records: dict[str, EmergencyRecord] = {}
        self._notices: dict[str, NoticeRecord] = {}
        self._events: dict[str, StoredEvent] = {}
        self.audit_log: list[dict[str, Any]] = []

    def add(self, record: EmergencyRecord) -> None:
        if record.emergency_id in self._records:
            raise ValueError(f"duplicate emergency id {record.emergency_id}")
        self._records[record.emergency_id] = record
        self.audit(EVENTS[record.kind], record.declared_by, record.emergency_id, declaration_details(record))

    def confirm(self, proposal_id: str, record: EmergencyRecord) -> None:
        self.add(record)
        self._records[proposal_id] = replace(self._records[proposal_id], confirmed_as=record.emergency_id)
        self.audit(CONFIRMED, record.declared_by, proposal_id, {"emergency_id": record.emergency_id})

    def get(self, emergency_id: str) -> EmergencyRecord | None:
        return self._records.get(emergency_id)

    def all(self) -> list[EmergencyRecord]:
        return sorted(self._records.values(), key=lambda r: (r.declared_at, r.emergency_id))

    def enforced(self, at: datetime) -> list[EmergencyRecord]:
        return [r for r in self.all() if r.enforced(at)]

    def record_stand_down(self, emergency_id: str, stand_down: StandDownRecord) -> None:
        self._records[emergency_id] = replace(self._records[emergency_id], stand_down=stand_down)
        details = {"by": list(stand_down.by), "reason": stand_down.reason, "at": stand_down.at.isoformat()}
        self.audit(STOOD_DOWN, ",".join(stand_down.by), emergency_id, details)

    def record_cooling_off_end(self, emergency_id: str, end: CoolingOffEndRecord) -> None:
        self._records[emergency_id] = replace(self._records[emergency_id], cooling_off_end=end)
        self.audit(COOLING_OFF_ENDED, ",".join(end.by), emergency_id, cooling_off_end_details(end))

    def record_signoff(self, emergency_id: str, signoff: SignOff) -> None:
        record = self._records[emergency_id]
        self._records[emergency_id] = replace(record, signoffs=(*record.signoffs, signoff))
        self.audit(SIGNOFF_EVENTS[signoff.action], signoff.by, emergency_id, signoff_details(signoff))

    def add_notice(self, notice: NoticeRecord) -> None:
        self._notices[notice.notice_id] = notice
        self.audit(NOTICE_FILED, "emergency-response", notice.emergency_id, notice_details(notice))

    def notices(self, emergency_id: str | None = None) -> list[NoticeRecord]:
        return [n for n in self._notices.values() if emergency_id in (None, n.emergency_id)]

    def acknowledge(self, notice_id: str, by: str, at: datetime) -> NoticeRecord:
        notice = replace(self._notices[notice_id], acknowledged_by=by, acknowledged_at=at)
        self._notices[notice_id] = notice
        self.audit(NOTICE_ACKNOWLEDGED, by, notice.emergency_id, {"notice_id": notice_id, "at": at.isoformat()})
        return notice

    def mark_escalated(self, notice_id: str, at: datetime) -> None:
        notice = replace(self._notices[notice_id], escalated_at=at)
        self._notices[notice_id] = notice
        details = {"notice_id": notice_id, "escalate_to": notice.escalate_to, "at": at.isoformat()}
        self.audit(NOTICE_ESCALATED, "emergency-response", notice.emergency_id, details)

    def audit(self, event: str, actor: str, subject: str, details: dict[str, Any]) -> None:
        self.audit_log.append({"event": event, "actor": actor, "subject": subject, "details": details})

    def store_events(self, events: list[StoredEvent]) -> set[str]:
        new = {e.event_id for e in events if e.event_id not in self._events}
        self._events.update({e.event_id: e for e in events if e.event_id in new})
        return new

    def events_between(self, start: datetime, end: datetime) -> list[StoredEvent]:
        return sorted((e for e in self._events.values() if start <= e.at <= end), key=lambda e: (e.at, e.event_id))


def cooling_off_end_details(end: CoolingOffEndRecord) -> dict[str, Any]:
    """What the audit line of an early end of cooling-off carries."""
    return {"by": list(end.by), "reason": end.reason, "at": end.at.isoformat()}


def signoff_details(signoff: SignOff) -> dict[str, Any]:
    """What the audit line of a sign-off awaiting another user carries."""
    return {"action": signoff.action, "by": signoff.by, "reason": signoff.reason, "at": signoff.at.isoformat()}


def notice_details(notice: NoticeRecord) -> dict[str, Any]:
    """A filed notice as its audit line records it (the body's sha256, not the body)."""
    from engine.contracts.digest import sha256_text

    return {
        "notice_id": notice.notice_id,
        "notice": notice.notice,
        "role": notice.role,
        "address": notice.address,
        "drill": notice.drill,
        "ack_due": notice.ack_due.isoformat(),
        "body_sha256": sha256_text(notice.body),
    }
