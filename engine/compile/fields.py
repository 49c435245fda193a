"""The facts a condition may name, with their types and how each is read.

Three vocabularies: account facts (top level of a condition), promise facts (top level too:
the account's promises to pay and payments, `engine.contracts.promises`), and history-entry
facts (inside `count(...)` / `days_since(...)`). A name outside them is a validation error, which is how a
typo like `dppd >= 30` is caught before a playbook ever runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.contracts.facts import Account, HistoryEntry
from engine.contracts.promises import PromiseFacts

NUMBER, STRING, BOOL, LIST, ANY = "number", "string", "bool", "list", "any"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    doc: str
    read: Callable[[Account, datetime], Any]


def _age(account: Account, at: datetime) -> int | None:
    return None if account.birth_year is None else at.year - account.birth_year


def _breathing_space(account: Account, at: datetime) -> bool:
    space = account.breathing_space
    return space is not None and space.covers(at.date())


def _has_debtor_phone(account: Account, at: datetime) -> bool:
    return any(p.owner == "debtor" for p in account.phones)


def _has_usable_email(account: Account, at: datetime) -> bool:
    return any(e.consented or not e.employer_provided for e in account.emails)


ACCOUNT_FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("dpd", NUMBER, "days past due on the evaluation date", lambda a, at: a.dpd),
        FieldSpec("balance", NUMBER, "total amount due", lambda a, at: a.balance),
        FieldSpec("risk_score", NUMBER, "higher is riskier; null when unknown", lambda a, at: a.risk_score),
        FieldSpec("birth_year", NUMBER, "debtor's year of birth", lambda a, at: a.birth_year),
        FieldSpec("age", NUMBER, "debtor's age in years at the evaluation date", _age),
        FieldSpec("jurisdiction", STRING, "CN, US or UK", lambda a, at: a.jurisdiction),
        FieldSpec("product", STRING, "e.g. credit_card", lambda a, at: a.product),
        FieldSpec("currency", STRING, "ISO 4217 code", lambda a, at: a.currency),
        FieldSpec("timezone", STRING, "debtor's IANA zone", lambda a, at: a.timezone),
        FieldSpec("flags", LIST, "account flags; test with 'name' in flags", lambda a, at: a.flags),
        FieldSpec("in_breathing_space", BOOL, "a UK breathing space covers the date", _breathing_space),
        FieldSpec("has_debtor_phone", BOOL, "a phone owned by the debtor is on file", _has_debtor_phone),
        FieldSpec("has_usable_email", BOOL, "an e-mail that may be used is on file", _has_usable_email),
        FieldSpec("phone_count", NUMBER, "phones on file", lambda a, at: len(a.phones)),
        FieldSpec(
            "propensity",
            NUMBER,
            "P(payment within 30 days), 0..1, from the active model; null when none",
            lambda a, at: a.scores.get("propensity"),
        ),
        FieldSpec(
            "best_hour",
            NUMBER,
            "local hour (0..23) most likely answered, from the active connect model; null when none",
            lambda a, at: a.scores.get("best_hour"),
        ),
    )
}

ATTRIBUTE_PREFIX = "attributes."

HISTORY_FIELDS: dict[str, tuple[str, Callable[[HistoryEntry], Any]]] = {
    "channel": (STRING, lambda h: h.channel),
    "outcome": (STRING, lambda h: h.outcome),
    "direction": (STRING, lambda h: h.direction),
    "party": (STRING, lambda h: h.party),
    "kind": (STRING, lambda h: h.kind),
    "template": (STRING, lambda h: h.template),
    "by": (STRING, lambda h: h.by),
    "recorded": (BOOL, lambda h: h.recorded),
}

PROMISE_STATES = ("none", "active", "kept", "broken")

PROMISE_FIELDS: dict[str, tuple[str, str, Callable[[PromiseFacts], Any]]] = {
    "promise.state": (
        STRING,
        "the latest promise's state on the evaluation date: 'none' (no promise), 'active', 'kept' or 'broken'",
        lambda f: f.state,
    ),
    "promise.days_to_due": (
        NUMBER,
        "days from the evaluation date to the latest promise's due date: 1 the day before, 0 on it, "
        "negative after; null without a promise",
        lambda f: f.days_to_due,
    ),
    "promise.amount": (NUMBER, "the latest promise's amount; null without a promise", lambda f: f.amount),
    "promise.paid": (
        NUMBER,
        "paid since the latest promise was made (payments at or after `made_at`, dated by the "
        "evaluation date); null without a promise",
        lambda f: f.paid_since_latest,
    ),
}

# Aggregates over the account's promises and payments: `name()` or `name(days=N)`, no predicate.
OUTCOME_AGGREGATES = {
    "promises_broken": "promises whose breaking day (due + grace + 1) is the evaluation date or one of "
    "the `days` - 1 before it (every broken promise without `days`)",
    "paid": "sum of the payments dated the evaluation date or one of the `days` - 1 before it "
    "(every payment without `days`); 0 when none",
}

AGGREGATES = {
    "count": "number of history entries matching the predicate (optionally within the last `days`)",
    "days_since": "whole days since the latest entry matching the predicate; null if none",
}


def account_field_type(name: str) -> str | None:
    """The type of an account-level name, `ANY` for attributes, None if unknown."""
    if name.startswith(ATTRIBUTE_PREFIX) and len(name) > len(ATTRIBUTE_PREFIX):
        return ANY
    if name in PROMISE_FIELDS:
        return PROMISE_FIELDS[name][0]
    spec = ACCOUNT_FIELDS.get(name)
    return spec.type if spec else None


def read_promise_field(name: str, facts: PromiseFacts) -> Any:
    return PROMISE_FIELDS[name][2](facts)


def vocabulary() -> str:
    """Every name a condition may use, with its type (the JSON Schema's description of a condition)."""
    account = ", ".join(f"{s.name} ({s.type})" for s in ACCOUNT_FIELDS.values())
    promise = ", ".join(f"{name} ({kind})" for name, (kind, _, _) in PROMISE_FIELDS.items())
    outcome = ", ".join(f"{name}(days=N) (number)" for name in OUTCOME_AGGREGATES)
    history = ", ".join(f"{name} ({kind})" for name, (kind, _) in HISTORY_FIELDS.items())
    return (
        f"Account fields: {account}, attributes.<name> (any). Promise fields: {promise}; "
        f"{outcome}. History aggregates: count(predicate, days=N) (number), days_since(predicate) "
        f"(number) over history fields {history}."
    )


def read_account_field(name: str, account: Account, at: datetime) -> Any:
    if name.startswith(ATTRIBUTE_PREFIX):
        value: Any = account.attributes
        for part in name[len(ATTRIBUTE_PREFIX) :].split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value
    return ACCOUNT_FIELDS[name].read(account, at)
