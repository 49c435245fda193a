"""Emergency scopes: which accounts and actions an emergency covers.

Syntax (the `--scope` of `arrears emergency declare`, and `default_scope` in the plan)::

    SCOPE  := "all" | TERM ("," TERM)*
    TERM   := KEY "=" VALUE
    KEY    := account | debtor | segment | collector | agency | jurisdiction
    VALUE  := one or more of  A-Z a-z 0-9 _ . : @ / -      (jurisdiction: CN, US or UK)

Terms with *different* keys must all hold (AND): `jurisdiction=US,segment=vip` is the VIP
segment in the US. The *same* key repeated means any of its values (OR within a key):
`collector=c1,collector=c2` covers both collectors. `all` stands alone. Whitespace around
terms is ignored; keys are case-sensitive, `jurisdiction` values are upper-cased.

Scopes are stored and shown in a canonical form (keys in the order above, values sorted) so
that two spellings of one scope compare equal. Matching is pure and allocation-light: it runs
once per proposed action in the daily dispatch.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.contracts.errors import InputError

KEYS = ("account", "debtor", "segment", "collector", "agency", "jurisdiction")
JURISDICTIONS = ("CN", "US", "UK")
_VALUE = re.compile(r"^[A-Za-z0-9_.:@/-]+$")


@dataclass(frozen=True)
class Subject:
    """What a scope is matched against: one account, its decision context and the action.

    `collectors` / `agencies` hold every id that would carry out or owns the contact: the
    assignment queue (by its kind) and the action's `by`, because a collector complaint must
    stop that collector's calls whichever queue the account sits in.
    """

    account_id: str
    debtor_id: str
    jurisdiction: str
    segment: str | None = None
    collectors: frozenset[str] = field(default_factory=frozenset)
    agencies: frozenset[str] = field(default_factory=frozenset)

    def values(self, key: str) -> Iterable[str | None]:
        if key == "account":
            return (self.account_id,)
        if key == "debtor":
            return (self.debtor_id,)
        if key == "jurisdiction":
            return (self.jurisdiction,)
        if key == "segment":
            return (self.segment,)
        if key == "collector":
            return self.collectors
        return self.agencies


@dataclass(frozen=True)
class Scope:
    """A parsed scope: `terms` maps each key to the values any of which must match."""

    terms: tuple[tuple[str, frozenset[str]], ...] = ()

    @property
    def is_all(self) -> bool:
        return not self.terms

    def __str__(self) -> str:
        if self.is_all:
            return "all"
        return ",".join(f"{key}={value}" for key, values in self.terms for value in sorted(values))

    def covers(self, subject: Subject) -> bool:
        """True when every key's term holds for `subject`."""
        return all(any(v in wanted for v in subject.values(key) if v is not None) for key, wanted in self.terms)

    def get(self, key: str) -> frozenset[str]:
        return next((values for k, values in self.terms if k == key), frozenset())


def parse_scope(text: str, *, source: str = "--scope", line: int = 0, col: int = 0) -> Scope:
    """Parse SCOPE; a malformed one is an `InputError` (exit 2) saying what is wrong."""

    def bad(message: str) -> InputError:
        return InputError.at(source, line, col, f"scope {text!r}: {message}")

    if not isinstance(text, str) or not text.strip():
        raise bad("empty scope (use `all`, or KEY=VALUE terms such as `collector=c7`)")
    stripped = text.strip()
    if stripped == "all":
        return Scope()
    found: dict[str, set[str]] = {}
    for raw in stripped.split(","):
        term = raw.strip()
        if term == "all":
            raise bad("`all` cannot be combined with other terms")
        if "=" not in term:
            raise bad(f"term {term!r} is not KEY=VALUE (keys: {', '.join(KEYS)})")
        key, _, value = (part.strip() for part in term.partition("="))
        if key not in KEYS:
            raise bad(f"unknown key {key!r} (keys: {', '.join(KEYS)})")
        if key == "jurisdiction":
            value = value.upper()
            if value not in JURISDICTIONS:
                raise bad(f"jurisdiction must be one of {', '.join(JURISDICTIONS)}, got {value!r}")
        if not value or not _VALUE.match(value):
            raise bad(f"term {term!r} needs a value of letters, digits or _.:@/-")
        found.setdefault(key, set()).add(value)
    return Scope(tuple((key, frozenset(found[key])) for key in KEYS if key in found))


def subject_for(
    account: dict | object,
    context: dict | None = None,
    action: dict | None = None,
) -> Subject:
    """Build the `Subject` of a check from contract-shaped data.

    `account` is an `engine.contracts.facts.Account` or its JSON; `context` a decision (or any dict with
    `segment` and `assignment`); `action` a proposed action (its `by`).
    """
    get = account.get if isinstance(account, dict) else lambda k, d=None: getattr(account, k, d)
    context = context or {}
    collectors: set[str] = set()
    agencies: set[str] = set()
    assignment = context.get("assignment") or {}
    queue = assignment.get("queue")
    if queue:
        if assignment.get("kind") == "collector":
            collectors.add(queue)
        elif assignment.get("kind") == "agency":
            agencies.add(queue)
    for extra in ("collector", "agency"):
        if context.get(extra):
            (collectors if extra == "collector" else agencies).add(str(context[extra]))
    by = (action or {}).get("by") if isinstance(action, dict) else getattr(action, "by", None)
    if by:
        collectors.add(by)
        agencies.add(by)
    return Subject(
        account_id=str(get("account_id")),
        debtor_id=str(get("debtor_id")),
        jurisdiction=str(get("jurisdiction")),
        segment=context.get("segment"),
        collectors=frozenset(collectors),
        agencies=frozenset(agencies),
    )
