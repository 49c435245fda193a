"""The behaviour model (engine/simulate): deterministic for a seed, each customer type's best hour
recoverable from what it does, flags deciding types, promises paid or broken as drawn."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from engine.simulate.behaviour import TYPES, answer_probability, best_hour, customer_type
from engine.simulate.outcomes import AccountView, Contact, callbacks, day_outcomes, promise_payments, respond

DAY = date(2026, 12, 2)
EXPECTED_BEST = {"cooperative": 10, "procrastinator": 20, "resister": 13, "lost_contact": 11, "hardship": 15,
                 "agitated": 18, "fraudster": 9}  # fmt: skip


def _accounts(n: int) -> dict[str, AccountView]:
    return {f"A{i}": AccountView(f"A{i}", "CNY", Decimal("1000.00") + i, "Asia/Shanghai") for i in range(n)}


def _contacts(accounts: dict[str, AccountView], day: date = DAY) -> list[Contact]:
    out = []
    for i, aid in enumerate(accounts):
        at = datetime(day.year, day.month, day.day, 1 + i % 12, tzinfo=UTC)  # 09:00–20:00 in Shanghai
        out.append(Contact(aid, at, ("call", "sms", "robot_call", "email")[i % 4], by="robot-remind"))
    return out


def _dump(outcomes: object) -> str:
    return json.dumps(outcomes.__dict__, sort_keys=True)


def test_same_seed_same_lines_other_seed_other_lines() -> None:
    accounts = _accounts(400)
    contacts = _contacts(accounts)
    first = _dump(day_outcomes(5, contacts, accounts))
    assert first == _dump(day_outcomes(5, list(reversed(contacts)), accounts)), "depends on the order of contacts"
    assert first != _dump(day_outcomes(6, contacts, accounts))
    one = day_outcomes(5, contacts[:1], accounts)
    assert one.history == day_outcomes(5, contacts, accounts).history[:1], "an account's draws moved with others"


def test_the_day_brings_conversations_promises_and_payments() -> None:
    accounts = _accounts(400)
    out = day_outcomes(5, _contacts(accounts), accounts)
    outcomes = Counter(line["outcome"] for line in out.history)
    assert len(out.history) == 400 and outcomes["conversation"] > 0 and outcomes["no_answer"] > 0
    assert out.promises and out.payments
    for p in out.promises:
        made = datetime.fromisoformat(p["made_at"]).astimezone(UTC).date()
        assert made == DAY < date.fromisoformat(p["due"]) and Decimal(p["amount"]) <= accounts[p["account_id"]].balance
    assert len({p["account_id"] for p in out.promises + out.payments}) == len(out.promises) + len(out.payments)


@pytest.mark.parametrize("name", sorted(TYPES))
def test_each_type_has_its_known_best_hour(name: str) -> None:
    t = TYPES[name]
    assert best_hour(t) == t.best_hour == EXPECTED_BEST[name]
    assert answer_probability(t, "call", t.best_hour) > answer_probability(t, "call", (t.best_hour + 3) % 24)


@pytest.mark.parametrize("name", ["cooperative", "procrastinator", "hardship"])
def test_the_best_hour_is_recoverable_from_simulated_calls(name: str) -> None:
    """What a best-time-to-call model must find: the hour with the most conversations."""
    t = TYPES[name]
    answered: Counter[int] = Counter()
    for hour in range(8, 22):
        for i in range(1500):
            at = datetime(2026, 12, 2, hour, tzinfo=UTC)
            outcome, _ = respond(3, t, Contact(f"X{i}", at, "call"), "UTC")
            answered[hour] += outcome in ("conversation", "connected", "refused")
    assert answered.most_common(1)[0][0] == t.best_hour


def test_flags_decide_the_type_else_the_seed_does() -> None:
    assert customer_type(1, "A", ["lost_contact"]).name == "lost_contact"
    assert customer_type(1, "A", ["fraud_suspect"]).name == "fraudster"
    assert customer_type(1, "A", ("vulnerable",)).name == "hardship"
    # a complaint the simulation records does not change who the customer is
    assert customer_type(1, "A", ("complaint_open",)) == customer_type(1, "A")
    mix = Counter(customer_type(1, f"A{i}").name for i in range(20000))
    for name, t in TYPES.items():
        assert abs(mix[name] / 20000 - t.share) < 0.02, (name, mix[name])
    assert [customer_type(1, f"A{i}").name for i in range(50)] != [customer_type(2, f"A{i}").name for i in range(50)]


def test_promises_are_paid_in_their_window_once_and_fraudsters_never_pay() -> None:
    accounts = _accounts(400)
    promises = day_outcomes(5, _contacts(accounts), accounts).promises
    paid = [p for d in range(30) for p in
            promise_payments(5, DAY + timedelta(d), DAY + timedelta(d + 1), promises, accounts)]  # fmt: skip
    ids = [p["payment_id"] for p in paid]
    assert len(ids) == len(set(ids)) and 0 < len(ids) < len(promises)
    whole = promise_payments(5, DAY, DAY + timedelta(30), promises, accounts)
    assert sorted(ids) == sorted(p["payment_id"] for p in whole)
    fraud = {k: AccountView(k, "CNY", v.balance, v.timezone, ("fraud_suspect",)) for k, v in accounts.items()}
    assert promise_payments(5, DAY, DAY + timedelta(60), promises, fraud) == []


def test_call_ins_come_after_the_contact_and_inside_the_window() -> None:
    accounts = _accounts(400)
    contacts = _contacts(accounts)
    got = [callbacks(5, DAY + timedelta(d), DAY + timedelta(d + 1), contacts, accounts) for d in range(6)]
    lines = [line for out in got for line in out.history]
    assert lines and all(line["direction"] == "inbound" and line["outcome"] == "conversation" for line in lines)
    assert not got[0].history, "a call-in on the contact's own day"
    # one contact per account here, and its call-in date fixed: no account calls in twice
    assert len(lines) == len({line["account_id"] for line in lines})
    for line in lines:
        assert datetime.fromisoformat(line["at"]).hour >= 12, "a call-in before the day's run"


def test_the_documented_parameters_are_the_model() -> None:
    """docs/simulation.md's table states each type's parameters; it must be the code's."""
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "simulation.md").read_text(encoding="utf-8")
    rows = {cells[0]: cells[1:] for line in text.splitlines() if line.startswith("| ")
            for cells in [[c.strip() for c in line.strip("|").split("|")]] if cells[0] in TYPES}  # fmt: skip
    assert set(rows) == set(TYPES)
    for name, t in TYPES.items():
        share, best, answer, *rest = rows[name]
        assert float(share.rstrip(" %")) / 100 == pytest.approx(t.share) and int(best) == t.best_hour
        assert [float(x) for x in answer.split("/")] == [t.answer[g] for g in ("voice", "text", "mail")]
        expected = [t.promise, t.pay_now, t.full, t.on_time, t.breaks, t.complain, t.call_back]
        assert [float(x) for x in rest] == pytest.approx(expected), name
