"""Given/When/Then steps for whole customer journeys through a real playbook.

A scenario describes one account (jurisdiction, DPD, balance, flags, contact history), lets
a shipped playbook decide at a given time through the real engine — the playbook loader,
the durable_rules evaluator and the compliance gate — and checks the decision. Journeys
move forward in time with `When the playbook decides again N days later`: the actions of
the previous decision are recorded as contact history with the outcomes the debtor's
behaviour implies (ignores, promises, refuses), and the account ages by N days.

History given with "N days ago" / "in the last N days" is relative to the *next* decision,
so it can be written before the `When` that uses it. Test modules load this file with
`pytest_plugins = ["steps.decision_steps"]` and call `scenarios(...)`.

Scenarios that assert what the compliance gate blocks or moves start with
`Given the compliance gate is in force`, which fails them when the compliance pack cannot be
loaded (never skips them: the gate fails closed, and so do its tests).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, get_args

import pytest
from pytest_bdd import given, parsers, then, when

from engine.compliance.adapter import default_gate, require_pack
from engine.contracts.facts import Account, Action, HistoryEntry, Jurisdiction
from engine.contracts.promises import Outcomes, PaymentRecord, PromiseRecord, merge_promises, promise_of
from engine.decide.evaluator import Evaluator
from engine.playbook.loader import load_playbook

PLAYBOOKS = Path(__file__).resolve().parents[2] / "playbooks"

DEFAULTS: dict[str, dict[str, Any]] = {
    "CN": {
        "product": "credit_card",
        "currency": "CNY",
        "timezone": "Asia/Shanghai",
        "phones": [{"number": "+8613800138000", "owner": "debtor"}],
        "emails": [{"address": "zhang.wei@example.cn", "consented": True}],
        "name": "张伟",
    },
    "US": {
        "product": "personal_loan",
        "currency": "USD",
        "timezone": "America/Chicago",
        "phones": [{"number": "+12025550143", "owner": "debtor"}],
        "emails": [{"address": "jordan.lee@example.com", "consented": True}],
        "name": "Jordan Lee",
    },
    "UK": {
        "product": "personal_loan",
        "currency": "GBP",
        "timezone": "Europe/London",
        "phones": [{"number": "+447700900123", "owner": "debtor"}],
        "emails": [{"address": "alex.morgan@example.co.uk", "consented": True}],
        "name": "Alex Morgan",
    },
}

# What the debtor does with each contact, by behaviour: channel → outcome.
BEHAVIOURS: dict[str, dict[str, str]] = {
    "ignores": {"call": "no_answer", "robot_call": "no_answer", "voicemail": "voicemail", "letter": "delivered"},
    "promises": {"call": "conversation", "robot_call": "conversation", "letter": "delivered"},
    "refuses": {"call": "refused", "robot_call": "refused", "voicemail": "voicemail", "letter": "delivered"},
}
ELECTRONIC_OUTCOME = {"ignores": "read_no_reply", "promises": "replied", "refuses": "read_no_reply"}

CHANNEL_WORDS = {
    "sms": "sms",
    "call": "call",
    "calls": "call",
    "e-mail": "email",
    "e-mails": "email",
    "email": "email",
    "letter": "letter",
    "letters": "letter",
    "robot call": "robot_call",
    "robot calls": "robot_call",
    "messaging": "messaging",
    "message": "messaging",
    "messages": "messaging",
    "voicemail": "voicemail",
    "voicemails": "voicemail",
    "visit": "visit",
}


@cache
def evaluator(name: str) -> Evaluator:
    """The shipped playbook `name`, loaded and validated, with its compliance gate."""
    loaded = load_playbook(PLAYBOOKS / f"{name}.yaml")
    return Evaluator(loaded, gate=default_gate(loaded))


@dataclass
class Journey:
    """One account's facts, its contact history, and the latest decision."""

    account: dict[str, Any] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    relative: list[tuple[timedelta, dict[str, Any]]] = field(default_factory=list)
    breathing_space: tuple[str, int, int | None] | None = None
    behaviour: str = "ignores"
    playbook: str | None = None
    at: datetime | None = None
    decision: dict[str, Any] | None = None
    verdict: tuple[list[dict[str, Any]], datetime | None] | None = None
    promises: list[PromiseRecord] = field(default_factory=list)
    payments: list[PaymentRecord] = field(default_factory=list)

    # -- facts ---------------------------------------------------------------------
    def add_relative(self, ago: timedelta, **entry: Any) -> None:
        self.relative.append((ago, entry))

    def materialize(self, at: datetime) -> tuple[Account, list[HistoryEntry]]:
        for ago, entry in self.relative:
            line = {"account_id": self.account["account_id"], "at": at - ago, **entry}
            if "promise_in_days" in line:
                line["promise"] = self.promise_at(line["at"], line.pop("promise_in_days"))
            self.history.append(line)
        self.relative.clear()
        if self.breathing_space is not None:
            kind, started, ended = self.breathing_space
            space = {"kind": kind, "start": (at - timedelta(days=started)).date().isoformat()}
            if ended is not None:
                space["end"] = (at - timedelta(days=ended)).date().isoformat()
            self.account["breathing_space"] = space
            self.breathing_space = None
        account = Account.model_validate(self.account)
        history = sorted((HistoryEntry.model_validate(h) for h in self.history if h["at"] <= at), key=lambda h: h.at)
        return account, history

    def record(self, decision: dict[str, Any]) -> None:
        """The decision's actions happened; the debtor reacted as their behaviour says (a
        procrastinator's first conversation or reply of the day carries a promise to pay)."""
        promised = False
        for action in decision["actions"]:
            channel = action["channel"]
            if channel in ("sms", "email", "messaging"):
                outcome = ELECTRONIC_OUTCOME[self.behaviour]
            else:
                outcome = BEHAVIOURS[self.behaviour].get(channel, "delivered")
            self.history.append(
                {
                    "account_id": self.account["account_id"],
                    "at": datetime.fromisoformat(action["at"]),
                    "channel": channel,
                    "kind": action["kind"],
                    "template": action["template"],
                    "to": action["to"],
                    "outcome": outcome,
                    "recorded": action["recorded"],
                    "by": action["by"],
                }
            )
            if self.behaviour == "promises" and not promised and outcome in ("conversation", "replied"):
                self.history[-1]["promise"] = self.promise_at(self.history[-1]["at"])
                promised = True

    def promise_at(self, at: datetime, days: int = 3) -> dict[str, Any]:
        """What the procrastinator promises on a contact: a tenth of the balance in `days` days."""
        amount = (Decimal(self.account["balance"]) / 10).quantize(Decimal("0.01"))
        return {"amount": amount, "due": (at.date() + timedelta(days=days)).isoformat()}

    def outcomes(self, history: list[HistoryEntry]) -> dict[str, Outcomes]:
        """Promises given as such, those history lines carry (as a dialer records them), payments."""
        promises = merge_promises(self.promises, (p for p in map(promise_of, history) if p is not None))
        return {self.account["account_id"]: Outcomes(promises, tuple(self.payments))}

    def decide(self, playbook: str, at: datetime) -> dict[str, Any]:
        self.playbook, self.at = playbook, at
        account, history = self.materialize(at)
        outcomes = self.outcomes(history)
        self.decision = evaluator(playbook).decide([account], {account.account_id: history}, at, outcomes=outcomes)[0]
        return self.decision

    # -- reading the decision ----------------------------------------------------------
    @property
    def d(self) -> dict[str, Any]:
        assert self.decision is not None, "no decision yet: add a `When the playbook ... decides` step"
        return self.decision

    def actions(self, channel: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
        return [
            a
            for a in self.d["actions"]
            if (channel is None or a["channel"] == channel) and (kind is None or a["kind"] == kind)
        ]

    def one_action(self, channel: str) -> dict[str, Any]:
        found = self.actions(channel)
        assert found, f"no {channel} action proposed; {self.summary()}"
        return found[0]

    def summary(self) -> str:
        d = self.d
        acts = [f"{a['channel']}/{a['kind']}@{a['at']}" for a in d["actions"]]
        blocked = [(b["action"]["channel"], [v["rule"] for v in b["violations"]]) for b in d["blocked"]]
        return (
            f"stage={d['stage']} assignment={d['assignment']} actions={acts} blocked={blocked} "
            f"tasks={[t['kind'] for t in d['tasks']]} fired={d['fired_rules']}\n  " + "\n  ".join(d["explanation"])
        )


def _quoted(text: str) -> str:
    return text


_quoted.pattern = r'[^"]+'  # type: ignore[attr-defined]


def _p(pattern: str) -> Any:
    """`parsers.parse` where every `"{name}"` matches one quoted value, never across quotes."""
    return parsers.parse(re.sub(r'"\{(\w+)\}"', r'"{\1:Q}"', pattern), extra_types={"Q": _quoted})


def _channel(word: str) -> str:
    key = word.strip().lower()
    if key not in CHANNEL_WORDS:
        raise ValueError(f"unknown channel {word!r}; use one of {sorted(CHANNEL_WORDS)}")
    return CHANNEL_WORDS[key]


def _spread(n: int, days: int) -> list[timedelta]:
    """`n` moments inside the last `days` days, none older than `days`, none in the future."""
    span = max(days - 1, 1)
    return [timedelta(days=span * (i + 1) / (n + 1)) for i in range(n)]


def _at(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    assert value.utcoffset() is not None, f"{text!r} needs a UTC offset"
    return value


# ---------------------------------------------------------------------------------------------
# Given: the account
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def journey() -> Journey:
    return Journey()


@given(_p("an account in {jurisdiction:w} with dpd {dpd:d} and balance {balance:g}"))
def given_account(journey: Journey, jurisdiction: str, dpd: int, balance: float) -> None:
    defaults = DEFAULTS[jurisdiction]
    journey.account = {
        "account_id": f"{jurisdiction}-ACC-000123",
        "debtor_id": f"{jurisdiction}-D-000123",
        "jurisdiction": jurisdiction,
        "product": defaults["product"],
        "currency": defaults["currency"],
        "balance": Decimal(repr(balance)),
        "dpd": dpd,
        "timezone": defaults["timezone"],
        "phones": list(defaults["phones"]),
        "emails": list(defaults["emails"]),
        "attributes": {"name": defaults["name"]},
    }


@given(_p('the account has flag "{flag}"'))
def given_flag(journey: Journey, flag: str) -> None:
    journey.account["flags"] = [*journey.account.get("flags", []), flag]


@given(_p('the account no longer has flag "{flag}"'))
def given_no_flag(journey: Journey, flag: str) -> None:
    flags = journey.account.get("flags", [])
    assert flag in flags, f"the account does not have flag {flag!r}"
    journey.account["flags"] = [f for f in flags if f != flag]


@given(_p('the account attribute "{name}" is {value}'))
def given_attribute(journey: Journey, name: str, value: str) -> None:
    journey.account.setdefault("attributes", {})[name] = json.loads(value)


@given(_p("the debtor was born in {year:d}"))
def given_birth_year(journey: Journey, year: int) -> None:
    journey.account["birth_year"] = year


@given(_p("the risk score is {score:d}"))
def given_risk(journey: Journey, score: int) -> None:
    journey.account["risk_score"] = score


@given(_p('the debtor\'s time zone is "{zone}"'))
def given_zone(journey: Journey, zone: str) -> None:
    journey.account["timezone"] = zone


@given("the debtor has no phone on file")
def given_no_phone(journey: Journey) -> None:
    journey.account["phones"] = []


@given("the debtor has no e-mail address")
def given_no_email(journey: Journey) -> None:
    journey.account["emails"] = []


@given(_p('the debtor asked for no calls before "{hhmm}"'))
def given_no_calls_before(journey: Journey, hhmm: str) -> None:
    prefs = journey.account.setdefault("contact_preferences", {})
    prefs["no_calls_before"] = hhmm


@given(_p('the debtor asked for no calls after "{hhmm}"'))
def given_no_calls_after(journey: Journey, hhmm: str) -> None:
    prefs = journey.account.setdefault("contact_preferences", {})
    prefs["no_calls_after"] = hhmm


@given(_p('a "{kind}" breathing space started {days:d} days ago'))
def given_breathing_space(journey: Journey, kind: str, days: int) -> None:
    journey.breathing_space = (kind, days, None)


@given(_p('a "{kind}" breathing space started {days:d} days ago and ended {ended:d} days ago'))
def given_breathing_space_ended(journey: Journey, kind: str, days: int, ended: int) -> None:
    journey.breathing_space = (kind, days, ended)


# ---------------------------------------------------------------------------------------------
# Given: behaviour and contact history (relative to the next decision)
# ---------------------------------------------------------------------------------------------
@given("the debtor promises to pay at every contact but never pays")
def given_procrastinator(journey: Journey) -> None:
    journey.behaviour = "promises"


@given("the debtor refuses every call")
def given_resister(journey: Journey) -> None:
    journey.behaviour = "refuses"


@given("the debtor ignores every contact")
def given_ignores(journey: Journey) -> None:
    journey.behaviour = "ignores"


@given(_p("{n:d} SMS read without reply in the last {days:d} days"))
def given_sms_unread(journey: Journey, n: int, days: int) -> None:
    for ago in _spread(n, days):
        journey.add_relative(ago, channel="sms", kind="reminder", outcome="read_no_reply")


@given(_p("{n:d} calls refused in the last {days:d} days"))
def given_calls_refused(journey: Journey, n: int, days: int) -> None:
    for ago in _spread(n, days):
        journey.add_relative(ago, channel="call", kind="payment_demand", outcome="refused", recorded=True)


@given(_p("{n:d} calls unanswered in the last {days:d} days"))
def given_calls_unanswered(journey: Journey, n: int, days: int) -> None:
    for ago in _spread(n, days):
        journey.add_relative(ago, channel="call", kind="reminder", outcome="no_answer", recorded=True)


@given(_p('a "{channel}" contact {days:d} days ago with outcome "{outcome}"'))
def given_contact(journey: Journey, channel: str, days: int, outcome: str) -> None:
    journey.add_relative(timedelta(days=days), channel=_channel(channel), outcome=outcome)


@given(_p("a telephone conversation {days:d} days ago in which the debtor promised to pay"))
def given_conversation(journey: Journey, days: int) -> None:
    """The dialer's result line carries the promise (due 3 days after the call)."""
    journey.add_relative(
        timedelta(days=days), channel="call", kind="payment_demand", outcome="conversation", promise_in_days=3
    )


@given(_p("the validation notice was sent {days:d} days ago"))
def given_validation_sent(journey: Journey, days: int) -> None:
    journey.add_relative(
        timedelta(days=days),
        channel="letter",
        kind="validation_notice",
        template="validation_notice.j2",
        outcome="delivered",
    )


@given(_p('the template "{template}" was sent by "{channel}" {days:d} days ago'))
def given_template_sent(journey: Journey, template: str, channel: str, days: int) -> None:
    journey.add_relative(timedelta(days=days), channel=_channel(channel), template=template, outcome="delivered")


@given("the compliance gate is in force")
def given_gate() -> None:
    """Load the whole pack now: a missing or broken one fails the scenario (ComplianceUnavailable)."""
    require_pack(get_args(Jurisdiction))


# ---------------------------------------------------------------------------------------------
# When
# ---------------------------------------------------------------------------------------------
@when(_p('the playbook "{name}" decides at "{ts}"'))
def when_decides(journey: Journey, name: str, ts: str) -> None:
    journey.decide(name, _at(ts))


@when(_p("the playbook decides again {days:d} days later"))
def when_decides_again(journey: Journey, days: int) -> None:
    assert journey.playbook and journey.at, "decide once before deciding again"
    journey.record(journey.d)
    journey.account["dpd"] += days
    journey.decide(journey.playbook, journey.at + timedelta(days=days))


@when(_p('a collector proposes a "{channel}" of kind "{kind}" at "{ts}"'))
def when_proposes(journey: Journey, channel: str, kind: str, ts: str) -> None:
    """A manual contact outside the playbook, judged by the same pre-contact gate."""
    assert journey.playbook, "name the playbook with a `decides` step first"
    gate = evaluator(journey.playbook).gate
    assert gate is not None, "default_gate never returns None: the gate fails closed"
    at = _at(ts)
    account, history = journey.materialize(at)
    ch = _channel(channel)
    to = next((p.number for p in account.phones), None) if ch != "email" else account.emails[0].address
    action = {
        "channel": ch,
        "at": at.isoformat(),
        "party": "debtor",
        "to": to,
        "template": None,
        "text": None,
        "kind": kind,
        "recorded": True,
        "by": "collector-007",
    }
    Action.model_validate({k: v for k, v in action.items() if k in Action.model_fields})
    journey.verdict = gate(account, history, action)


# ---------------------------------------------------------------------------------------------
# Then: stage, segment, priority, assignment
# ---------------------------------------------------------------------------------------------
@then(_p('the stage is "{stage}"'))
def then_stage(journey: Journey, stage: str) -> None:
    assert journey.d["stage"] == stage, journey.summary()


@then("the account is out of scope")
def then_out_of_scope(journey: Journey) -> None:
    assert journey.d["stage"] is None, journey.summary()
    assert any("out of scope" in line for line in journey.d["explanation"]), journey.summary()


@then(_p('the segment is "{segment}"'))
def then_segment(journey: Journey, segment: str) -> None:
    assert journey.d["segment"] == segment, journey.summary()


@then(_p("the priority is at least {n:d}"))
def then_priority(journey: Journey, n: int) -> None:
    assert journey.d["priority"] is not None and journey.d["priority"] >= n, journey.summary()


@then(_p('the assignment is "{kind}" to queue "{queue}"'))
def then_assignment(journey: Journey, kind: str, queue: str) -> None:
    assert journey.d["assignment"] == {"kind": kind, "queue": queue}, journey.summary()


# ---------------------------------------------------------------------------------------------
# Then: actions
# ---------------------------------------------------------------------------------------------
@then(_p('an action by "{channel}" is proposed'))
def then_action(journey: Journey, channel: str) -> None:
    assert journey.actions(_channel(channel)), journey.summary()


@then(_p('an action by "{channel}" of kind "{kind}" is proposed'))
def then_action_kind(journey: Journey, channel: str, kind: str) -> None:
    assert journey.actions(_channel(channel), kind), journey.summary()


@then(_p('no action by "{channel}" is proposed'))
def then_no_action_channel(journey: Journey, channel: str) -> None:
    assert not journey.actions(_channel(channel)), journey.summary()


@then(_p('no action of kind "{kind}" is proposed'))
def then_no_action_kind(journey: Journey, kind: str) -> None:
    assert not journey.actions(kind=kind), journey.summary()


@then("no action is proposed")
def then_no_action(journey: Journey) -> None:
    assert not journey.d["actions"], journey.summary()


@then(_p('the "{channel}" action uses template "{template}"'))
def then_template(journey: Journey, channel: str, template: str) -> None:
    templates = [a["template"] for a in journey.actions(_channel(channel))]
    assert template in templates, journey.summary()


@then(_p('the "{channel}" message mentions "{text}"'))
def then_mentions(journey: Journey, channel: str, text: str) -> None:
    texts = [a["text"] or "" for a in journey.actions(_channel(channel))]
    assert texts and any(text in t for t in texts), f"{text!r} not in {texts}"


@then(_p('no proposed message mentions "{text}"'))
def then_no_message_mentions(journey: Journey, text: str) -> None:
    assert journey.d["actions"], journey.summary()
    for a in journey.d["actions"]:
        assert text.lower() not in (a["text"] or "").lower(), f"{a['template']} mentions {text!r}"


@then("every e-mail and SMS carries the opt-out text")
def then_opt_out(journey: Journey) -> None:
    from engine.playbook.templates import OPT_OUT

    language = evaluator(journey.playbook or "").loaded.templates.language
    electronic = [a for a in journey.d["actions"] if a["channel"] in ("sms", "email", "messaging")]
    assert electronic, journey.summary()
    for a in electronic:
        assert OPT_OUT[language] in (a["text"] or ""), f"{a['template']} has no opt-out text"


@then(_p('the "{channel}" action is scheduled at "{ts}"'))
def then_scheduled_at(journey: Journey, channel: str, ts: str) -> None:
    action = journey.one_action(_channel(channel))
    assert datetime.fromisoformat(action["at"]) == _at(ts), journey.summary()


@then(_p('the "{channel}" action is scheduled on "{day}"'))
def then_scheduled_on(journey: Journey, channel: str, day: str) -> None:
    action = journey.one_action(_channel(channel))
    assert datetime.fromisoformat(action["at"]).date() == date.fromisoformat(day), journey.summary()


# ---------------------------------------------------------------------------------------------
# Then: the compliance gate
# ---------------------------------------------------------------------------------------------
@then(_p('the "{channel}" action is blocked by a rule starting with "{prefix}"'))
def then_blocked(journey: Journey, channel: str, prefix: str) -> None:
    ch = _channel(channel)
    rules = [v["rule"] for b in journey.d["blocked"] if b["action"]["channel"] == ch for v in b["violations"]]
    assert any(r.startswith(prefix) for r in rules), journey.summary()
    assert not journey.actions(ch), f"a {ch} action was both proposed and blocked: {journey.summary()}"


@then(_p('the "{channel}" action was rescheduled by a rule starting with "{prefix}"'))
def then_rescheduled(journey: Journey, channel: str, prefix: str) -> None:
    ch = _channel(channel)
    lines = [line for line in journey.d["explanation"] if f": {ch} moved to " in line]
    assert any(f"({prefix}" in line or f", {prefix}" in line for line in lines), journey.summary()
    assert journey.actions(ch), journey.summary()


@then("nothing is blocked")
def then_nothing_blocked(journey: Journey) -> None:
    assert journey.d["blocked"] == [], journey.summary()


@then(_p('the proposal is blocked by a rule starting with "{prefix}"'))
def then_proposal_blocked(journey: Journey, prefix: str) -> None:
    assert journey.verdict is not None
    violations, _ = journey.verdict
    assert any(v["rule"].startswith(prefix) for v in violations), violations


@then(_p('the proposal may be retried at "{ts}"'))
def then_proposal_retry(journey: Journey, ts: str) -> None:
    assert journey.verdict is not None
    _, next_at = journey.verdict
    assert next_at is not None and next_at == _at(ts), next_at


@then("the proposal is allowed")
def then_proposal_allowed(journey: Journey) -> None:
    assert journey.verdict is not None
    violations, _ = journey.verdict
    assert violations == [], violations


# ---------------------------------------------------------------------------------------------
# Then: offers, incentives, tasks, explanation
# ---------------------------------------------------------------------------------------------
@then(_p('the offer "{offer}" is made'))
def then_offer(journey: Journey, offer: str) -> None:
    assert offer in [o["id"] for o in journey.d["offers"]], journey.summary()


@then("no offer is made")
def then_no_offer(journey: Journey) -> None:
    assert journey.d["offers"] == [], journey.summary()


@then(_p('the incentive "{incentive}" is offered'))
def then_incentive(journey: Journey, incentive: str) -> None:
    assert incentive in [i["id"] for i in journey.d["incentives"]], journey.summary()


@then(_p('a task "{kind}" is opened'))
def then_task(journey: Journey, kind: str) -> None:
    assert kind in [t["kind"] for t in journey.d["tasks"]], journey.summary()


@then(_p('no task "{kind}" is opened'))
def then_no_task(journey: Journey, kind: str) -> None:
    assert kind not in [t["kind"] for t in journey.d["tasks"]], journey.summary()


@then("no task is opened")
def then_no_tasks(journey: Journey) -> None:
    assert journey.d["tasks"] == [], journey.summary()


@then(_p('the fired rules include "{rule}"'))
def then_fired(journey: Journey, rule: str) -> None:
    assert rule in journey.d["fired_rules"], journey.summary()


@then(_p('the fired rules do not include "{rule}"'))
def then_not_fired(journey: Journey, rule: str) -> None:
    assert rule not in journey.d["fired_rules"], journey.summary()


@then(_p('the explanation mentions "{text}"'))
def then_explains(journey: Journey, text: str) -> None:
    assert any(text in line for line in journey.d["explanation"]), journey.summary()


# ---------------------------------------------------------------------------------------------
# Promises to pay and payments (absolute dates: they are what the debtor said and did)
# ---------------------------------------------------------------------------------------------
@given(_p('the debtor promised on "{made}" to pay {amount:g} by "{due}"'))
def given_promise(journey: Journey, made: str, amount: float, due: str) -> None:
    n = len(journey.promises) + 1
    journey.promises.append(PromiseRecord(f"PR-{n}", _at(made), date.fromisoformat(due), Decimal(repr(amount))))


@given(_p('the debtor paid {amount:g} at "{at}"'))
def given_payment(journey: Journey, amount: float, at: str) -> None:
    """A payment lowers the balance, as `arrears import payments` does."""
    paid = Decimal(repr(amount))
    journey.payments.append(PaymentRecord(_at(at), paid))
    journey.account["balance"] = max(Decimal(journey.account["balance"]) - paid, Decimal(0))


@then(_p('the promise is "{state}"'))
def then_promise(journey: Journey, state: str) -> None:
    promise = journey.d["promise"]
    assert promise is not None and promise["state"] == state, journey.summary() + f"\n  promise={promise}"


@then("there is no promise")
def then_no_promise(journey: Journey) -> None:
    assert journey.d["promise"] is None, journey.d["promise"]


@then(_p('the pause is "{pause}"'))
def then_pause(journey: Journey, pause: str) -> None:
    assert journey.d["pause"] is not None and journey.d["pause"]["id"] == pause, journey.summary()


@then("there is no pause")
def then_no_pause(journey: Journey) -> None:
    assert journey.d["pause"] is None, journey.summary()


@then(_p("the priority is {n:d}"))
def then_priority_exactly(journey: Journey, n: int) -> None:
    assert journey.d["priority"] == n, journey.summary()
