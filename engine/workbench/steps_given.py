"""The shipped Given and When steps: the account, its history and behaviour, the decision.

Each step is `func(journey, **arguments)` registered with `step` (engine/workbench/steplib.py);
docs/workbench.md lists them for strategy owners.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import get_args

from engine.compliance.adapter import require_pack
from engine.contracts.facts import Action, Jurisdiction
from engine.contracts.promises import PaymentRecord, PromiseRecord
from engine.workbench.journey import DEFAULTS, UNDER_TEST, Journey, channel_of, check, instant, spread
from engine.workbench.steplib import step


# ---------------------------------------------------------------------------------------------
# Given: the account
# ---------------------------------------------------------------------------------------------
@step("given", "an account in {jurisdiction:w} with dpd {dpd:d} and balance {balance:g}")
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


@step("given", 'the account has flag "{flag}"')
def given_flag(journey: Journey, flag: str) -> None:
    journey.account["flags"] = [*journey.account.get("flags", []), flag]


@step("given", 'the account no longer has flag "{flag}"')
def given_no_flag(journey: Journey, flag: str) -> None:
    flags = journey.account.get("flags", [])
    check(flag in flags, f"the account does not have flag {flag!r}")
    journey.account["flags"] = [f for f in flags if f != flag]


@step("given", 'the account attribute "{name}" is {value}')
def given_attribute(journey: Journey, name: str, value: str) -> None:
    journey.account.setdefault("attributes", {})[name] = json.loads(value)


@step("given", "the debtor was born in {year:d}")
def given_birth_year(journey: Journey, year: int) -> None:
    journey.account["birth_year"] = year


@step("given", "the risk score is {score:d}")
def given_risk(journey: Journey, score: int) -> None:
    journey.account["risk_score"] = score


@step("given", 'the debtor\'s time zone is "{zone}"')
def given_zone(journey: Journey, zone: str) -> None:
    journey.account["timezone"] = zone


@step("given", "the debtor has no phone on file")
def given_no_phone(journey: Journey) -> None:
    journey.account["phones"] = []


@step("given", "the debtor has no e-mail address")
def given_no_email(journey: Journey) -> None:
    journey.account["emails"] = []


@step("given", 'the debtor asked for no calls before "{hhmm}"')
def given_no_calls_before(journey: Journey, hhmm: str) -> None:
    prefs = journey.account.setdefault("contact_preferences", {})
    prefs["no_calls_before"] = hhmm


@step("given", 'the debtor asked for no calls after "{hhmm}"')
def given_no_calls_after(journey: Journey, hhmm: str) -> None:
    prefs = journey.account.setdefault("contact_preferences", {})
    prefs["no_calls_after"] = hhmm


@step("given", 'a "{kind}" breathing space started {days:d} days ago')
def given_breathing_space(journey: Journey, kind: str, days: int) -> None:
    journey.breathing_space = (kind, days, None)


@step("given", 'a "{kind}" breathing space started {days:d} days ago and ended {ended:d} days ago')
def given_breathing_space_ended(journey: Journey, kind: str, days: int, ended: int) -> None:
    journey.breathing_space = (kind, days, ended)


# ---------------------------------------------------------------------------------------------
# Given: behaviour and contact history (relative to the next decision)
# ---------------------------------------------------------------------------------------------
@step("given", "the debtor promises to pay at every contact but never pays")
def given_procrastinator(journey: Journey) -> None:
    journey.behaviour = "promises"


@step("given", "the debtor refuses every call")
def given_resister(journey: Journey) -> None:
    journey.behaviour = "refuses"


@step("given", "the debtor ignores every contact")
def given_ignores(journey: Journey) -> None:
    journey.behaviour = "ignores"


@step("given", "{n:d} SMS read without reply in the last {days:d} days")
def given_sms_unread(journey: Journey, n: int, days: int) -> None:
    for ago in spread(n, days):
        journey.add_relative(ago, channel="sms", kind="reminder", outcome="read_no_reply")


@step("given", "{n:d} calls refused in the last {days:d} days")
def given_calls_refused(journey: Journey, n: int, days: int) -> None:
    for ago in spread(n, days):
        journey.add_relative(ago, channel="call", kind="payment_demand", outcome="refused", recorded=True)


@step("given", "{n:d} calls unanswered in the last {days:d} days")
def given_calls_unanswered(journey: Journey, n: int, days: int) -> None:
    for ago in spread(n, days):
        journey.add_relative(ago, channel="call", kind="reminder", outcome="no_answer", recorded=True)


@step("given", 'a "{channel}" contact {days:d} days ago with outcome "{outcome}"')
def given_contact(journey: Journey, channel: str, days: int, outcome: str) -> None:
    journey.add_relative(timedelta(days=days), channel=channel_of(channel), outcome=outcome)


@step("given", "a telephone conversation {days:d} days ago in which the debtor promised to pay")
def given_conversation(journey: Journey, days: int) -> None:
    """The dialer's result line carries the promise (due 3 days after the call)."""
    journey.add_relative(
        timedelta(days=days), channel="call", kind="payment_demand", outcome="conversation", promise_in_days=3
    )


@step("given", "the validation notice was sent {days:d} days ago")
def given_validation_sent(journey: Journey, days: int) -> None:
    journey.add_relative(
        timedelta(days=days),
        channel="letter",
        kind="validation_notice",
        template="validation_notice.j2",
        outcome="delivered",
    )


@step("given", 'the template "{template}" was sent by "{channel}" {days:d} days ago')
def given_template_sent(journey: Journey, template: str, channel: str, days: int) -> None:
    journey.add_relative(timedelta(days=days), channel=channel_of(channel), template=template, outcome="delivered")


@step("given", "the compliance gate is in force")
def given_gate(journey: Journey) -> None:
    """Load the whole pack now: a missing or broken one fails the scenario (ComplianceUnavailable)."""
    require_pack(get_args(Jurisdiction))


# ---------------------------------------------------------------------------------------------
# When
# ---------------------------------------------------------------------------------------------
@step("when", 'the playbook "{name}" decides at "{ts}"')
def when_decides(journey: Journey, name: str, ts: str) -> None:
    journey.decide(name, instant(ts))


@step("when", 'the playbook under test decides at "{ts}"')
def when_under_test_decides(journey: Journey, ts: str) -> None:
    """For a strategy owner's own features: whichever playbook `arrears playbook test` was given."""
    journey.decide(UNDER_TEST, instant(ts))


@step("when", "the playbook decides again {days:d} days later")
def when_decides_again(journey: Journey, days: int) -> None:
    check(journey.playbook and journey.at, "decide once before deciding again")
    journey.record(journey.d)
    journey.account["dpd"] += days
    journey.decide(journey.playbook, journey.at + timedelta(days=days))


@step("when", 'a collector proposes a "{channel}" of kind "{kind}" at "{ts}"')
def when_proposes(journey: Journey, channel: str, kind: str, ts: str) -> None:
    """A manual contact outside the playbook, judged by the same pre-contact gate."""
    check(journey.playbook, "name the playbook with a `decides` step first")
    gate = journey.playbooks.evaluator(journey.playbook).gate
    check(gate is not None, "default_gate never returns None: the gate fails closed")
    at = instant(ts)
    account, history = journey.materialize(at)
    ch = channel_of(channel)
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


# Promises to pay and payments (absolute dates: they are what the debtor said and did)
@step("given", 'the debtor promised on "{made}" to pay {amount:g} by "{due}"')
def given_promise(journey: Journey, made: str, amount: float, due: str) -> None:
    n = len(journey.promises) + 1
    journey.promises.append(PromiseRecord(f"PR-{n}", instant(made), date.fromisoformat(due), Decimal(repr(amount))))


@step("given", 'the debtor paid {amount:g} at "{at}"')
def given_payment(journey: Journey, amount: float, at: str) -> None:
    """A payment lowers the balance, as `arrears import payments` does."""
    paid = Decimal(repr(amount))
    journey.payments.append(PaymentRecord(instant(at), paid))
    journey.account["balance"] = max(Decimal(journey.account["balance"]) - paid, Decimal(0))
