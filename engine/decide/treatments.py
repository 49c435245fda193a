"""What the stage offers and which treatments go out: tasks, offers, incentives, then each
treatment through its holds, channel choice, contact path, repeat limit and recipient.

A treatment that survives these steps becomes a proposed action in `actions` (rendered, then
gated). Every step that stops a treatment says why in the explanation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from engine.contracts.facts import PHONE_CHANNELS, Account, HistoryEntry
from engine.decide import actions
from engine.decide.decision import Case, Decision, Route
from engine.decide.index import PauseRules, StageRules, TreatmentRules
from engine.playbook.model import Offer


def _offer_json(offer: Offer) -> dict[str, object]:
    data = offer.model_dump(mode="json", exclude={"when"})
    data["requires_approval_above_pct"] = data.pop("approval_above_pct")
    return data


def tasks(case: Case, stage: StageRules, d: Decision) -> bool:
    """Work items: the stage's, plus the lost-contact ones when contact is lost.

    Returns whether contact is lost (then treatments are held: tasks first).
    """
    rule_id = case.book.lost_rule_id
    lost = rule_id is not None and rule_id in case.hits
    candidates = stage.tasks
    if lost and rule_id is not None:
        d.fire(rule_id, f"contact lost: {case.why(rule_id)}")
        candidates = candidates + case.book.lost_tasks
    for task in candidates:
        if task.rule_id in case.hits:
            t = task.item
            d.tasks.append({"id": t.id, "kind": t.kind, "provider": t.provider})
            d.fire(task.rule_id, f"task {t.id}: {t.kind} by {t.provider}")
    return lost


def offers(case: Case, stage: StageRules, d: Decision) -> None:
    """Every stage offer whose rule holds, as the contract's JSON."""
    held = [o for o in stage.offers if o.rule_id in case.hits]
    for o in held:
        d.fire(o.rule_id, f"offer {o.item.id} ({o.item.kind}): {case.why(o.rule_id)}")
    d.offers = [_offer_json(o.item) for o in held]


def incentives(case: Case, d: Decision) -> None:
    held = [i for i in case.book.incentives if i.rule_id in case.hits]
    for i in held:
        d.fire(i.rule_id, f"incentive {i.item.id}: {i.item.description}")
    d.incentives = [i.item.model_dump(mode="json", exclude={"when"}) for i in held]


def all_treatments(case: Case, stage: StageRules, pause: PauseRules | None, lost: bool, d: Decision) -> None:
    """The stage's and the playbook's treatments, then the pause's own contacts (e.g. a
    closure notice: what the pause is for, so the pause does not hold them)."""
    for rules in stage.treatments:
        treatment(case, stage, rules, pause, lost, d)
    if pause is not None:
        for rules in pause.treatments:
            treatment(case, stage, rules, None, lost, d)


def treatment(
    case: Case, stage: StageRules, rules: TreatmentRules, pause: PauseRules | None, lost: bool, d: Decision
) -> None:
    """One treatment, from "its rule holds" to a proposed (or blocked) action, or a reason why not."""
    t = rules.treatment
    if rules.rule_id not in case.hits or held(rules, pause, lost, d):
        return
    route = channel(case, rules, d)
    if route is None:
        return
    route = contact_path(case, stage, route, d)
    if already_planned(case, rules, route, d) or too_soon(case, rules, route, d):
        return
    to = recipient(route.channel, case.account)
    if to is None:
        d.note(f"treatment {t.id} skipped: no usable {route.channel} contact on file")
        return
    actions.propose(case, stage, rules, route, to, d)


def held(rules: TreatmentRules, pause: PauseRules | None, lost: bool, d: Decision) -> bool:
    """A pause holds every kind it does not allow; lost contact holds everything."""
    t = rules.treatment
    if pause is not None and t.kind not in pause.pause.allow_kinds:
        d.note(f"treatment {t.id} held: paused by {pause.pause.id}")
        return True
    if lost:
        d.note(f"treatment {t.id} held: contact lost, tasks first")
        return True
    return False


def channel(case: Case, rules: TreatmentRules, d: Decision) -> Route | None:
    """The treatment's channel, or the first channel choice that holds."""
    t = rules.treatment
    if isinstance(t.channel, str):
        return Route(t.channel, t.template)
    for choice in rules.channels:
        if choice.rule_id in case.hits:
            use = choice.item.use
            d.fire(choice.rule_id, f"channel {use} for {t.id}: {case.why(choice.rule_id)}")
            return Route(use, choice.item.template or t.template)
    d.note(f"treatment {t.id} skipped: no channel choice matched")
    return None


def contact_path(case: Case, stage: StageRules, route: Route, d: Decision) -> Route:
    """One switch per treatment: the first holding rule for its channel (rules do not chain)."""
    rule = next((r for r in stage.paths if r.rule_id in case.hits and r.item.from_channel == route.channel), None)
    if rule is None:
        return route
    to = rule.item.to_channel
    d.fire(rule.rule_id, f"contact path {rule.item.id}: {route.channel} → {to}: {case.why(rule.rule_id)}")
    return Route(to, rule.item.template or route.template)


def too_soon(case: Case, rules: TreatmentRules, route: Route, d: Decision) -> bool:
    """The repeat limit: the same template is not sent again within `repeat_after_days`."""
    t = rules.treatment
    last = last_sent(case.history, route.template, case.at)
    if last is None or not t.repeat_after_days or case.at - last >= timedelta(days=t.repeat_after_days):
        return False
    ago = (case.at - last).days
    d.note(f"treatment {t.id} skipped: {route.template} sent {ago} day(s) ago, repeats after {t.repeat_after_days}")
    return True


def already_planned(case: Case, rules: TreatmentRules, route: Route, d: Decision) -> bool:
    """A contact of this template and channel already planned and not yet made (an outbound
    entry after the decision's instant: an earlier run's outbox contact the gate moved ahead)
    is not planned again; otherwise every run until its date would write it once more."""
    ahead = [
        h.at
        for h in case.history
        if h.direction == "outbound" and h.template == route.template and h.channel == route.channel and h.at > case.at
    ]
    if not ahead:
        return False
    d.note(f"treatment {rules.treatment.id} skipped: {route.template} already planned for {min(ahead).isoformat()}")
    return True


def last_sent(history: Sequence[HistoryEntry], template: str, at: datetime) -> datetime | None:
    times = [h.at for h in history if h.direction == "outbound" and h.template == template and h.at <= at]
    return max(times) if times else None


def recipient(channel: str, account: Account) -> str | None:
    """The debtor's own number, a usable e-mail (consented, or not the employer's), or the post."""
    if channel in PHONE_CHANNELS:
        return next((p.number for p in account.phones if p.owner == "debtor"), None)
    if channel == "email":
        return next((e.address for e in account.emails if e.consented or not e.employer_provided), None)
    address = account.attributes.get("postal_address")
    return str(address) if address else "postal address on file"
