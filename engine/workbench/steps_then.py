"""The shipped Then steps: what the decision (or a collector's proposal) must show.

A failed check raises `StepFailed` with a summary of the decision: what it was, against the
step's text, which says what was expected.
"""

from __future__ import annotations

from datetime import date, datetime

from engine.workbench.journey import Journey, channel_of, check, instant
from engine.workbench.steplib import step


@step("then", 'the stage is "{stage}"')
def then_stage(journey: Journey, stage: str) -> None:
    check(journey.d["stage"] == stage, journey.summary())


@step("then", "the account is out of scope")
def then_out_of_scope(journey: Journey) -> None:
    check(journey.d["stage"] is None, journey.summary())
    check(any("out of scope" in line for line in journey.d["explanation"]), journey.summary())


@step("then", 'the segment is "{segment}"')
def then_segment(journey: Journey, segment: str) -> None:
    check(journey.d["segment"] == segment, journey.summary())


@step("then", "the priority is at least {n:d}")
def then_priority(journey: Journey, n: int) -> None:
    check(journey.d["priority"] is not None and journey.d["priority"] >= n, journey.summary())


@step("then", 'the assignment is "{kind}" to queue "{queue}"')
def then_assignment(journey: Journey, kind: str, queue: str) -> None:
    check(journey.d["assignment"] == {"kind": kind, "queue": queue}, journey.summary())


# ---------------------------------------------------------------------------------------------
# Then: actions
# ---------------------------------------------------------------------------------------------
@step("then", 'an action by "{channel}" is proposed')
def then_action(journey: Journey, channel: str) -> None:
    check(journey.actions(channel_of(channel)), journey.summary())


@step("then", 'an action by "{channel}" of kind "{kind}" is proposed')
def then_action_kind(journey: Journey, channel: str, kind: str) -> None:
    check(journey.actions(channel_of(channel), kind), journey.summary())


@step("then", 'no action by "{channel}" is proposed')
def then_no_actionchannel_of(journey: Journey, channel: str) -> None:
    check(not journey.actions(channel_of(channel)), journey.summary())


@step("then", 'no action of kind "{kind}" is proposed')
def then_no_action_kind(journey: Journey, kind: str) -> None:
    check(not journey.actions(kind=kind), journey.summary())


@step("then", "no action is proposed")
def then_no_action(journey: Journey) -> None:
    check(not journey.d["actions"], journey.summary())


@step("then", 'the "{channel}" action uses template "{template}"')
def then_template(journey: Journey, channel: str, template: str) -> None:
    templates = [a["template"] for a in journey.actions(channel_of(channel))]
    check(template in templates, journey.summary())


@step("then", 'the "{channel}" message mentions "{text}"')
def then_mentions(journey: Journey, channel: str, text: str) -> None:
    texts = [a["text"] or "" for a in journey.actions(channel_of(channel))]
    check(texts and any(text in t for t in texts), f"{text!r} not in {texts}")


@step("then", 'no proposed message mentions "{text}"')
def then_no_message_mentions(journey: Journey, text: str) -> None:
    check(journey.d["actions"], journey.summary())
    for a in journey.d["actions"]:
        check(text.lower() not in (a["text"] or "").lower(), f"{a['template']} mentions {text!r}")


@step("then", "every e-mail and SMS carries the opt-out text")
def then_opt_out(journey: Journey) -> None:
    from engine.playbook.templates import OPT_OUT

    language = journey.playbooks.evaluator(journey.playbook or "").loaded.templates.language
    electronic = [a for a in journey.d["actions"] if a["channel"] in ("sms", "email", "messaging")]
    check(electronic, journey.summary())
    for a in electronic:
        check(OPT_OUT[language] in (a["text"] or ""), f"{a['template']} has no opt-out text")


@step("then", 'the "{channel}" action is scheduled at "{ts}"')
def then_scheduledinstant(journey: Journey, channel: str, ts: str) -> None:
    action = journey.one_action(channel_of(channel))
    check(datetime.fromisoformat(action["at"]) == instant(ts), journey.summary())


@step("then", 'the "{channel}" action is scheduled on "{day}"')
def then_scheduled_on(journey: Journey, channel: str, day: str) -> None:
    action = journey.one_action(channel_of(channel))
    check(datetime.fromisoformat(action["at"]).date() == date.fromisoformat(day), journey.summary())


# ---------------------------------------------------------------------------------------------
# Then: the compliance gate
# ---------------------------------------------------------------------------------------------
@step("then", 'the "{channel}" action is blocked by a rule starting with "{prefix}"')
def then_blocked(journey: Journey, channel: str, prefix: str) -> None:
    ch = channel_of(channel)
    rules = [v["rule"] for b in journey.d["blocked"] if b["action"]["channel"] == ch for v in b["violations"]]
    check(any(r.startswith(prefix) for r in rules), journey.summary())
    check(not journey.actions(ch), f"a {ch} action was both proposed and blocked: {journey.summary()}")


@step("then", 'the "{channel}" action was rescheduled by a rule starting with "{prefix}"')
def then_rescheduled(journey: Journey, channel: str, prefix: str) -> None:
    ch = channel_of(channel)
    lines = [line for line in journey.d["explanation"] if f": {ch} moved to " in line]
    check(any(f"({prefix}" in line or f", {prefix}" in line for line in lines), journey.summary())
    check(journey.actions(ch), journey.summary())


@step("then", "nothing is blocked")
def then_nothing_blocked(journey: Journey) -> None:
    check(journey.d["blocked"] == [], journey.summary())


@step("then", 'the proposal is blocked by a rule starting with "{prefix}"')
def then_proposal_blocked(journey: Journey, prefix: str) -> None:
    check(journey.verdict is not None, "no proposal yet: add a `When a collector proposes ...` step")
    violations, _ = journey.verdict
    check(any(v["rule"].startswith(prefix) for v in violations), violations)


@step("then", 'the proposal may be retried at "{ts}"')
def then_proposal_retry(journey: Journey, ts: str) -> None:
    check(journey.verdict is not None, "no proposal yet: add a `When a collector proposes ...` step")
    _, next_at = journey.verdict
    check(next_at is not None and next_at == instant(ts), next_at)


@step("then", "the proposal is allowed")
def then_proposal_allowed(journey: Journey) -> None:
    check(journey.verdict is not None, "no proposal yet: add a `When a collector proposes ...` step")
    violations, _ = journey.verdict
    check(violations == [], violations)


# ---------------------------------------------------------------------------------------------
# Then: offers, incentives, tasks, explanation
# ---------------------------------------------------------------------------------------------
@step("then", 'the offer "{offer}" is made')
def then_offer(journey: Journey, offer: str) -> None:
    check(offer in [o["id"] for o in journey.d["offers"]], journey.summary())


@step("then", "no offer is made")
def then_no_offer(journey: Journey) -> None:
    check(journey.d["offers"] == [], journey.summary())


@step("then", 'the incentive "{incentive}" is offered')
def then_incentive(journey: Journey, incentive: str) -> None:
    check(incentive in [i["id"] for i in journey.d["incentives"]], journey.summary())


@step("then", 'a task "{kind}" is opened')
def then_task(journey: Journey, kind: str) -> None:
    check(kind in [t["kind"] for t in journey.d["tasks"]], journey.summary())


@step("then", 'no task "{kind}" is opened')
def then_no_task(journey: Journey, kind: str) -> None:
    check(kind not in [t["kind"] for t in journey.d["tasks"]], journey.summary())


@step("then", "no task is opened")
def then_no_tasks(journey: Journey) -> None:
    check(journey.d["tasks"] == [], journey.summary())


@step("then", 'the fired rules include "{rule}"')
def then_fired(journey: Journey, rule: str) -> None:
    check(rule in journey.d["fired_rules"], journey.summary())


@step("then", 'the fired rules do not include "{rule}"')
def then_not_fired(journey: Journey, rule: str) -> None:
    check(rule not in journey.d["fired_rules"], journey.summary())


@step("then", 'the explanation mentions "{text}"')
def then_explains(journey: Journey, text: str) -> None:
    check(any(text in line for line in journey.d["explanation"]), journey.summary())


# Promises to pay
@step("then", 'the promise is "{state}"')
def then_promise(journey: Journey, state: str) -> None:
    promise = journey.d["promise"]
    check(promise is not None and promise["state"] == state, journey.summary() + f"\n  promise={promise}")


@step("then", "there is no promise")
def then_no_promise(journey: Journey) -> None:
    check(journey.d["promise"] is None, str(journey.d["promise"]))


@step("then", 'the pause is "{pause}"')
def then_pause(journey: Journey, pause: str) -> None:
    check(journey.d["pause"] is not None and journey.d["pause"]["id"] == pause, journey.summary())


@step("then", "there is no pause")
def then_no_pause(journey: Journey) -> None:
    check(journey.d["pause"] is None, journey.summary())


@step("then", "the priority is {n:d}")
def then_priority_exactly(journey: Journey, n: int) -> None:
    check(journey.d["priority"] == n, journey.summary())
