"""The account's situation: segment, priority, fraud, stage, assignment and pause.

Each step reads the `Case`, writes what it decided into the `Decision` (with a rule id in
`fired_rules` and a line in `explanation` when a rule changed the outcome) and returns what
the next steps need. The order of the steps is the playbook language's order; `evaluator`
calls them.
"""

from __future__ import annotations

from datetime import timedelta

from engine.contracts.errors import EvaluationError
from engine.decide.decision import Case, Decision
from engine.decide.index import PauseRules, StageRules


def paid(case: Case, d: Decision) -> bool:
    """A balance of 0 means paid (outcomes contract): the account leaves collection, no stage,
    no action, whatever the playbook's rules say."""
    if case.account.balance != 0:
        return False
    d.resolution = "paid"
    d.note("paid: the balance is 0; the account leaves collection (no stage, no action)")
    return True


def segment(case: Case, d: Decision) -> None:
    """The first segment whose rule holds."""
    hit = next((s for s in case.book.segments if s.rule_id in case.hits), None)
    if hit is None:
        d.note("no segment matched")
        return
    d.segment = hit.item.id
    d.fire(hit.rule_id, f"segment {hit.item.id}: {case.why(hit.rule_id)}")


def priority(case: Case, d: Decision) -> None:
    """Base plus the points of every rule that holds, clamped to the playbook's range."""
    scale = case.book.playbook.priority
    points = [r for r in case.book.priority if r.rule_id in case.hits]
    raw = scale.base + sum(r.item.points for r in points)
    d.priority = max(scale.min, min(scale.max, raw))
    d.fired_rules.extend(r.rule_id for r in points)
    parts = " + ".join(f"{r.item.id} {r.item.points:+d}" for r in points) or "no rule matched"
    d.note(f"priority {d.priority}: base {scale.base}, {parts}")


def fraud_stop(case: Case, d: Decision) -> bool:
    """The fraud scorecard, whatever the stage: a suspected fraud is never collected.

    True when the score reaches the threshold: the case goes to the fraud queue, the stage is
    recorded for the record, and nothing else is decided.
    """
    fraud = case.book.playbook.fraud
    if fraud is None:
        return False
    frauds = [r for r in case.book.fraud if r.rule_id in case.hits]
    score = sum(r.item.points for r in frauds)
    for r in frauds:
        d.fire(r.rule_id, f"fraud {r.item.id} {r.item.points:+d}: {case.why(r.rule_id)}")
    if score < fraud.threshold:
        return False
    d.assignment = {"kind": "none", "queue": fraud.queue}
    d.note(f"fraud score {score} >= threshold {fraud.threshold}: collection stopped, case sent to {fraud.queue}")
    stage = first_stage(case)
    if stage is not None:
        record_stage(case, stage, d)
    return True


def first_stage(case: Case) -> StageRules | None:
    """The first stage whose rule holds. When the matcher says none does, the reference
    semantics must agree: a value the rules engine misread would otherwise leave an in-scope
    account silently without a stage (seen with balances durable_rules' C core mangled)."""
    found = next((s for s in case.book.stages if s.rule_id in case.hits), None)
    if found is not None:
        return found
    for candidate in case.book.stages:
        if case.book.holds_by_reference(candidate.rule_id, case.values):
            raise EvaluationError(
                f"the rules engine placed an in-scope account in no stage, but stage {candidate.stage.id} "
                f"holds for it ({case.why(candidate.rule_id)}); no decision is made rather than a wrong one"
            )
    return None


def record_stage(case: Case, stage: StageRules, d: Decision) -> None:
    d.stage = stage.stage.id
    d.fire(stage.rule_id, f"stage {stage.stage.id}: {case.why(stage.rule_id)}")


def stage(case: Case, d: Decision) -> StageRules | None:
    """The first stage whose rule holds; without one, the explanation says what each needs."""
    found = first_stage(case)
    if found is None:
        needs = "; ".join(f"{s.stage.id} needs {case.why(s.rule_id)}" for s in case.book.stages)
        d.note(f"no stage applies: {needs}")
        return None
    record_stage(case, found, d)
    return found


def assignment(case: Case, stage: StageRules, d: Decision) -> None:
    """The stage's first assignment rule that holds, else the stage's default assignment."""
    for rule in stage.assign:
        if rule.rule_id in case.hits:
            assign = rule.item.assign
            d.fire(rule.rule_id, f"assignment {assign.kind}/{assign.queue}: {case.why(rule.rule_id)}")
            d.assignment = assign.model_dump()
            return
    d.assignment = stage.stage.assign.model_dump()


def pause(case: Case, d: Decision) -> PauseRules | None:
    """The first pause that holds: it may reassign the case and sets a cooling-off date."""
    found = next((p for p in case.book.pauses if p.rule_id in case.hits), None)
    if found is None:
        return None
    p = found.pause
    d.fire(found.rule_id, f"pause {p.id}: {p.reason}: {case.why(found.rule_id)}")
    if p.assign:
        d.assignment = p.assign.model_dump()
    d.pause = {"id": p.id, "reason": p.reason, "until": None}
    if p.cooling_off_days:
        until = (case.at + timedelta(days=p.cooling_off_days)).date().isoformat()
        d.pause["until"] = until
        d.note(f"cooling-off for {p.cooling_off_days} days, until {until}")
    return found
