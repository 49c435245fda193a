"""The pre-contact gate: is this one proposed action lawful now, and if not, when?

`check()` runs every rule of the account's jurisdiction, and of its region's overlay (a US
state's rules, in addition to the federal ones), against the action and the history
before it. The verdict lists each refusing rule with its citation and reason, and
`next_allowed_at`: the earliest time at which the *same* action would pass — found by moving
the action to the latest `retry_at` of the refusing rules and checking again (a frequency
window may end at midnight, which the quiet hours then push to 08:00). If any refusal is
not time-bound (a cease request, a missing opt-out), waiting does not help and it is null.
It is expressed in the debtor's (first possible) zone, so its offset reads as local time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from engine.compliance.base import Finding, Rule
from engine.compliance.context import Context
from engine.compliance.limits import Limits
from engine.compliance.registry import region_key, rules_for
from engine.contracts.facts import Account, Action, HistoryEntry

MAX_RESCHEDULE_STEPS = 12


class Violation(BaseModel):
    """One rule refusing one action: the contract's `{"rule", "citation", "reason"}`."""

    model_config = ConfigDict(frozen=True)

    rule: str
    citation: str
    reason: str


class Verdict(BaseModel):
    """The answer of `arrears check` and of the gate in `decide`."""

    model_config = ConfigDict(frozen=True)

    allowed: bool
    violations: list[Violation]
    next_allowed_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """Exactly the contract's verdict object (timestamps ISO 8601 with offset)."""
        return {
            "allowed": self.allowed,
            "violations": [v.model_dump() for v in self.violations],
            "next_allowed_at": self.next_allowed_at.isoformat() if self.next_allowed_at else None,
        }


def evaluate(ctx: Context, limits: Limits) -> list[tuple[Rule, Finding]]:
    """Every refusing rule of the account's jurisdiction (and region) with its finding, in rule-id order."""
    out = []
    for rule in rules_for(ctx.account.jurisdiction, region_key(ctx.account.region)):
        finding = rule.evaluate(ctx, limits.for_rule(rule.id))
        if finding is not None:
            out.append((rule, finding))
    return out


def _next_allowed(ctx: Context, findings: list[tuple[Rule, Finding]], limits: Limits) -> datetime | None:
    when: datetime | None = ctx.action.at
    for _ in range(MAX_RESCHEDULE_STEPS):
        retries = [f.retry_at for _, f in findings]
        if any(r is None for r in retries):
            return None
        assert when is not None
        later = max(r for r in retries if r is not None)
        if later <= when:  # a rule that cannot make progress: give up rather than loop
            return None
        when = later
        findings = evaluate(ctx.at(when), limits)
        if not findings:
            return when.astimezone(ctx.home)
    return None


def check(
    account: Account,
    history: Sequence[HistoryEntry],
    action: Action,
    *,
    limits: Limits | None = None,
) -> Verdict:
    """Judge one proposed action against the account's compliance pack."""
    limits = limits or Limits.default()
    ctx = Context(account, action, history, lookahead=True)
    findings = evaluate(ctx, limits)
    if not findings:
        return Verdict(allowed=True, violations=[], next_allowed_at=None)
    violations = [Violation(rule=r.id, citation=r.citation, reason=f.reason) for r, f in findings]
    return Verdict(allowed=False, violations=violations, next_allowed_at=_next_allowed(ctx, findings, limits))


def template_violations(
    jurisdiction: str, action: Action, text: str, *, limits: Limits | None = None
) -> list[Violation]:
    """The content rules alone, for a rendered template: violations no account can cure."""
    limits = limits or Limits.default()
    out = []
    for rule in rules_for(jurisdiction):
        if not rule.content:
            continue
        finding = rule.check_text(action, text, limits.for_rule(rule.id))  # type: ignore[attr-defined]
        if finding is not None:
            out.append(Violation(rule=rule.id, citation=rule.citation, reason=finding.reason))
    return out
