"""The decision as the evaluator builds it: typed until it is written out.

`Case` is everything one account's evaluation reads (the per-playbook index, the account, its
histories, the evaluation time, the operand values and the rule ids that hold), so the steps in
`resolve`, `treatments` and `actions` take one argument instead of a dozen. `Decision` is what
they write; `Decision.as_json` turns it into the contract's JSON object (docs/contracts: key
order is part of the output, so it is fixed here, in one place).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict

from engine.contracts.facts import Account, HistoryEntry

if TYPE_CHECKING:
    from engine.decide.index import PlaybookIndex

Gate = Callable[[Account, Sequence[HistoryEntry], dict[str, Any]], tuple[list[dict[str, Any]], Any]]
"""The compliance gate: (account, the debtor's history, a proposed action) -> (violations, next allowed time)."""


class ProposedAction(TypedDict):
    """One contact the decision proposes; a plain dict at run time, because the gate and the
    contract (docs/contracts.md, "Proposed action") take it as one."""

    channel: str
    at: str
    party: str
    to: str
    template: str
    text: str | None
    kind: str
    recorded: bool
    by: str | None
    treatment: str


class Blocked(TypedDict):
    """An action the gate (or a failed rendering) stopped, with the rules that stopped it."""

    action: ProposedAction
    violations: list[dict[str, Any]]


class PauseNote(TypedDict):
    id: str
    reason: str
    until: str | None


class TaskNote(TypedDict):
    id: str
    kind: str
    provider: str


class Route(NamedTuple):
    """Where a treatment goes: the channel and the template for it."""

    channel: str
    template: str


@dataclass(frozen=True)
class Case:
    """One account's evaluation context: read by every step, written by none."""

    book: PlaybookIndex
    gate: Gate | None
    account: Account
    history: Sequence[HistoryEntry]
    debtor_history: Sequence[HistoryEntry]
    at: datetime
    values: Sequence[Any]
    hits: frozenset[str]

    def why(self, rule_id: str) -> str:
        """The rule's text and the facts it tested, for the explanation."""
        return self.book.why(rule_id, self.values)


def _no_assignment() -> dict[str, Any]:
    return {"kind": "none", "queue": None}


@dataclass
class Decision:
    """One account's decision. Field order is the JSON key order of the contract."""

    account_id: str
    debtor_id: str
    jurisdiction: str
    at: str
    playbook: dict[str, str]
    segment: str | None = None
    stage: str | None = None
    priority: int | None = None
    assignment: dict[str, Any] = field(default_factory=_no_assignment)
    actions: list[ProposedAction] = field(default_factory=list)
    blocked: list[Blocked] = field(default_factory=list)
    offers: list[dict[str, Any]] = field(default_factory=list)
    incentives: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[TaskNote] = field(default_factory=list)
    pause: PauseNote | None = None
    fired_rules: list[str] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    resolution: str | None = None
    promise: dict[str, Any] | None = None

    @classmethod
    def start(cls, account: Account, at: datetime, playbook: dict[str, str]) -> Decision:
        """The empty decision every account starts from (and an out-of-scope one ends with)."""
        return cls(account.account_id, account.debtor_id, account.jurisdiction, at.isoformat(), playbook)

    def fire(self, rule_id: str, line: str) -> None:
        """A rule changed the outcome: its id and why."""
        self.fired_rules.append(rule_id)
        self.explanation.append(line)

    def note(self, line: str) -> None:
        self.explanation.append(line)

    def as_json(self) -> dict[str, Any]:
        """The contract's JSON object (shallow: nested values are already JSON-shaped)."""
        return {name: getattr(self, name) for name in _JSON_KEYS}


_JSON_KEYS = tuple(Decision.__dataclass_fields__)
