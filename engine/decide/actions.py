"""From a treatment that goes out to a proposed action: schedule, render, gate.

Three separate steps, as the architecture diagram draws them: the action is scheduled in the
debtor's local hours, its message rendered from the playbook's templates (a template that
fails to render blocks the action under `ARREARS.TEMPLATE.RENDER`), and then the compliance
gate decides whether it is allowed, may move to the next allowed time, or is blocked.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from engine.contracts.facts import Account, HistoryEntry, outbox_history
from engine.contracts.timestamps import parse_hhmm
from engine.decide.decision import Case, Decision, ProposedAction, Route
from engine.decide.index import StageRules, TreatmentRules
from engine.playbook.model import Treatment
from engine.playbook.templates import TemplateFault, message_context

RENDER_RULE = "ARREARS.TEMPLATE.RENDER"
RENDER_CITATION = "Arrears playbook language v1"


def propose(case: Case, stage: StageRules, rules: TreatmentRules, route: Route, to: str, d: Decision) -> None:
    """Schedule, render and gate one treatment's action; the decision gets it as an action or
    as blocked, and the treatment's rule id is recorded either way."""
    t = rules.treatment
    when = schedule(t, case.account, case.at, case.book.zone)
    text, fault = render(case, stage, t, route, when, d)
    action = build(t, route, to, when, text, d)
    d.fired_rules.append(rules.rule_id)
    if fault is not None:
        block_render(t, action, fault, d)
        return
    gate(case, t, action, d)


def _hhmm(text: str) -> time:
    hour, minute = parse_hhmm(text)
    return time(23, 59, 59) if hour == 24 else time(hour, minute)


def local_zone(account: Account, default: ZoneInfo) -> ZoneInfo:
    """The debtor's zone: known, else the first possible one, else the playbook's."""
    if account.timezone:
        return ZoneInfo(account.timezone)
    if account.possible_timezones:
        return ZoneInfo(account.possible_timezones[0])
    return default


def schedule(t: Treatment, account: Account, at: datetime, default: ZoneInfo) -> datetime:
    """`at` in the debtor's local time, moved into the treatment's hours (today or tomorrow)."""
    zone = local_zone(account, default)
    local = at.astimezone(zone)
    if t.hours is None:
        return local
    start, end = _hhmm(t.hours[0]), _hhmm(t.hours[1])
    if local.time() < start:
        return datetime.combine(local.date(), start, zone)
    if local.time() >= end:
        return datetime.combine(local.date() + timedelta(days=1), start, zone)
    return local


def render(
    case: Case, stage: StageRules, t: Treatment, route: Route, when: datetime, d: Decision
) -> tuple[str | None, TemplateFault | None]:
    """The message text, with the same variables the loader validated the templates against."""
    loaded = case.book.loaded
    context = message_context(
        account=case.account,
        lender=case.book.playbook.lender.model_dump(),
        language=loaded.templates.language,
        stage=stage.stage.id,
        segment=d.segment,
        channel=route.channel,
        kind=t.kind,
        deadline=(when + timedelta(days=t.deadline_days)).date(),
        offers=d.offers,
        incentive=d.incentives[0] if d.incentives else None,
    )
    return loaded.templates.try_render(route.template, context)


def sender(assignment: dict[str, Any]) -> str | None:
    """Who makes the contact: the queue, or `agency:<id>` when an agency works the case
    (the form the compliance packs use to check the approved-agency list)."""
    queue: str | None = assignment.get("queue")
    if assignment.get("kind") == "agency" and queue and not queue.startswith("agency:"):
        return f"agency:{queue}"
    return queue


def build(t: Treatment, route: Route, to: str, when: datetime, text: str | None, d: Decision) -> ProposedAction:
    return {
        "channel": route.channel,
        "at": when.isoformat(),
        "party": "debtor",
        "to": to,
        "template": route.template,
        "text": text,
        "kind": t.kind,
        "recorded": t.recorded,
        "by": t.by or sender(d.assignment),
        "treatment": t.id,
    }


def block_render(t: Treatment, action: ProposedAction, fault: TemplateFault, d: Decision) -> None:
    violation = {"rule": RENDER_RULE, "citation": RENDER_CITATION, "reason": fault.message}
    d.blocked.append({"action": action, "violations": [violation]})
    d.note(f"treatment {t.id} blocked: template {action['template']} failed to render")


def gate(case: Case, t: Treatment, action: ProposedAction, d: Decision) -> None:
    """The compliance gate over the debtor's whole history: allowed, moved to the next allowed
    time (when the treatment may be rescheduled and the moved action passes), or blocked."""
    if case.gate is None:
        accept(t, action, d)
        return
    history = with_planned(case, d)
    violations, next_at = case.gate(case.account, history, cast(dict[str, Any], action))
    if not violations:
        accept(t, action, d)
        return
    if next_at is not None and t.reschedule_when_blocked:
        moved: ProposedAction = {**action, "at": schedule(t, case.account, next_at, case.book.zone).isoformat()}
        again, _ = case.gate(case.account, history, cast(dict[str, Any], moved))
        if not again:
            d.actions.append(moved)
            rules = ", ".join(v["rule"] for v in violations)
            d.note(f"treatment {t.id}: {action['channel']} moved to {moved['at']} ({rules})")
            return
    d.blocked.append({"action": action, "violations": violations})
    d.note(f"treatment {t.id} blocked: " + "; ".join(f"{v['rule']} ({v['citation']})" for v in violations))


def with_planned(case: Case, d: Decision) -> Sequence[HistoryEntry]:
    """The debtor's history plus the actions this decision already plans: two treatments of one
    decision are two contacts, so the second is gated as if the first had happened (a limit of
    two calls a week must not let a call and a voicemail through on top of one earlier call)."""
    if not d.actions:
        return case.debtor_history
    planned = [
        HistoryEntry.model_validate(outbox_history(case.account.account_id, json.dumps(a)))
        for a in d.actions
    ]
    return [*case.debtor_history, *planned]


def accept(t: Treatment, action: ProposedAction, d: Decision) -> None:
    d.actions.append(action)
    d.note(f"treatment {t.id}: {t.kind} by {action['channel']} at {action['at']} using {action['template']}")
