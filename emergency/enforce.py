"""Enforcement: which active emergencies cover an action, as contract violations.

Whether an emergency is enforced at a moment is `emergency.lifecycle.state_at` (active or
cooling off), the same answer every other view gives. Called by `arrears check`, by
decisions over the database and by the daily run's dispatch right before it writes the
outbox. Overlapping emergencies are all listed, strictest tier first (Tier 1 is the
strictest); an action is blocked when any covering emergency's
suspension applies to its channel and kind, so standing one down leaves the others in force.

The dispatch path calls this once per chunk: `EmergencyGuard.load(repo, at)` reads the
enforced emergencies once (one indexed query), then matching is pure and in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from emergency import lifecycle
from emergency.model import EmergencyRecord, EmergencyRepository
from emergency.scope import Scope, Subject, parse_scope, subject_for


def rule_id(tier: int) -> str:
    return f"EMERGENCY.TIER{tier}"


def violation(record: EmergencyRecord, at: datetime | None = None) -> dict[str, Any]:
    """The contract's violation object for one covering emergency; in cooling-off the reason
    says so and until when (the same answer `emergency status` and the audit report give)."""
    reason = (
        f"emergency {record.emergency_id} (tier {record.tier}, scope {record.scope}) declared by "
        f"{record.declared_by} at {record.declared_at.isoformat()}: {record.reason}"
    )
    end = lifecycle.ends_at(record, at) if at is not None else None
    if end is not None and record.stand_down is not None:
        reason += f" (stood down by {', '.join(record.stand_down.by)}; cooling off until {end.isoformat()})"
    return {
        "rule": rule_id(record.tier),
        "citation": f"Arrears emergency plan {record.plan} tier {record.tier}",
        "reason": reason,
    }


@dataclass(frozen=True)
class EmergencyGuard:
    """The emergencies enforced at one moment, with their scopes parsed once."""

    entries: tuple[tuple[EmergencyRecord, Scope], ...]
    at: datetime

    @classmethod
    def of(cls, records: Iterable[EmergencyRecord], at: datetime) -> EmergencyGuard:
        chosen = sorted(
            (r for r in records if r.enforced(at)), key=lambda r: (r.tier, r.declared_at, r.emergency_id)
        )
        return cls(tuple((r, parse_scope(r.scope)) for r in chosen), at)

    @classmethod
    def load(cls, repo: EmergencyRepository, at: datetime | None = None) -> EmergencyGuard:
        at = at or datetime.now(UTC)
        return cls.of(repo.enforced(at), at)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def covering(self, subject: Subject) -> list[EmergencyRecord]:
        """Every enforced emergency whose scope covers `subject`, strictest first."""
        return [record for record, scope in self.entries if scope.covers(subject)]

    def blocking(self, subject: Subject, channel: str | None, kind: str | None) -> list[EmergencyRecord]:
        return [r for r in self.covering(subject) if r.blocks(channel, kind)]

    def holding(self, account: Any, context: dict[str, Any] | None, action: Any) -> list[EmergencyRecord]:
        """The enforced emergencies that hold `action` on `account`, strictest first."""
        if not self.entries:
            return []
        subject = subject_for(account, context, action)
        return self.blocking(subject, _field(action, "channel"), _field(action, "kind"))

    def violations(self, account: Any, context: dict[str, Any] | None, action: Any) -> list[dict[str, Any]]:
        return [violation(r, self.at) for r in self.holding(account, context, action)]

    def held_until(self, records: Sequence[EmergencyRecord]) -> datetime | None:
        """When every one of `records` stops holding by itself (the latest cooling-off end),
        or None when any of them is not time-bound (active: only a stand-down ends it)."""
        ends = [lifecycle.ends_at(r, self.at) for r in records]
        return None if not ends or any(e is None for e in ends) else max(ends)  # type: ignore[type-var]

    def reassignment(self, account: Any, context: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The strictest covering emergency's reassignment (e.g. to a senior mediator)."""
        subject = subject_for(account, context, None)
        return next((r.reassign for r in self.covering(subject) if r.reassign), None)


def _field(action: Any, name: str) -> Any:
    if action is None:
        return None
    return action.get(name) if isinstance(action, dict) else getattr(action, name, None)


def active_emergency_violations(
    source: EmergencyRepository | EmergencyGuard | Sequence[EmergencyRecord],
    account: Any,
    context: dict[str, Any] | None,
    action: Any,
    at: datetime | None = None,
) -> list[dict[str, Any]]:
    """Violation dicts (`EMERGENCY.TIER<n>`) of every active emergency blocking `action` on
    `account` in its decision `context` (segment, assignment), strictest tier first."""
    at = at or datetime.now(UTC)
    if isinstance(source, EmergencyGuard):
        guard = source
    elif isinstance(source, Sequence):
        guard = EmergencyGuard.of(source, at)
    else:
        guard = EmergencyGuard.load(source, at)
    return guard.violations(account, context, action)
