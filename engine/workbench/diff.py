"""What changes if NEW replaces OLD: both playbooks decide every account, field by field.

Both evaluators see the same batches (one parse of the accounts, one history index, the
same evaluation time), through the very `Evaluator.decide` that `arrears decide` and the daily
run use, so a diff can never disagree with what either playbook would really do. Decisions
are compared on the fields a strategy owner steers (`FIELDS`), never on the playbook identity
or the explanation text (a renamed rule is not a changed outcome). An account is `changed`
when at least one field differs. Examples are the first accounts in input order for each
transition (`EXAMPLES_PER_TRANSITION`), with both explanations, so they are deterministic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.contracts.facts import Account, HistoryEntry
from engine.decide.evaluator import Evaluator
from engine.report.masking import Personal

FIELDS = ("stage", "segment", "assignment.queue", "treatments", "channels", "offers", "blocked")
EXAMPLES_PER_TRANSITION = 3

Batch = tuple[Sequence[Account], Mapping[str, Sequence[HistoryEntry]], Mapping[str, Sequence[HistoryEntry]]]
Value = str | tuple[str, ...] | None


def facets(decision: Mapping[str, Any]) -> dict[str, Value]:
    """The compared fields of one decision, in a canonical, hashable form.

    stage, segment and queue are strings or None; treatments and channels are those of the
    actions that go out (a blocked treatment shows in `blocked`), offers their ids, blocked
    the ids of the rules that blocked something — each a sorted tuple without repeats.
    """
    actions = decision["actions"]
    return {
        "stage": decision["stage"],
        "segment": decision["segment"],
        "assignment.queue": (decision.get("assignment") or {}).get("queue"),
        "treatments": tuple(sorted({a["treatment"] for a in actions})),
        "channels": tuple(sorted({a["channel"] for a in actions})),
        "offers": tuple(sorted({o["id"] for o in decision["offers"]})),
        "blocked": tuple(sorted({v["rule"] for b in decision["blocked"] for v in b["violations"]})),
    }


def as_json(value: Value) -> str | list[str] | None:
    """A field value as the contract writes it: a string, null, or a sorted list."""
    return list(value) if isinstance(value, tuple) else value


@dataclass
class Example:
    account_id: str
    field: str
    old: Value
    new: Value
    explanation_old: list[str]
    explanation_new: list[str]


Facets = dict[str, Value]
Key = tuple[str, Value, Value]


@dataclass
class Compared:
    """One batch under both playbooks, reduced to what the tally needs (small enough to send
    back from a worker process): the changed accounts' facets by position in the batch, and
    both explanations of the first accounts of each transition in the batch."""

    accounts: int
    changes: list[tuple[int, Facets, Facets]]
    explanations: dict[int, tuple[list[str], list[str]]]


def compare(old: Evaluator, new: Evaluator, batch: Batch, at: datetime) -> Compared:
    """Decide one batch under both playbooks (the same accounts, histories and time)."""
    accounts, histories, debtors = batch
    for gate in {id(e.gate): e.gate for e in (old, new)}.values():
        if hasattr(gate, "clear"):
            gate.clear()  # a shared verdict memo (engine/workbench/shared_gate.py) lives for one batch
    before = old.decide(accounts, histories, at, debtors)
    after = new.decide(accounts, histories, at, debtors)
    changes: list[tuple[int, Facets, Facets]] = []
    explanations: dict[int, tuple[list[str], list[str]]] = {}
    seen: Counter[Key] = Counter()
    for position, (a, b) in enumerate(zip(before, after, strict=True)):
        fa, fb = facets(a), facets(b)
        if fa == fb:
            continue
        changes.append((position, fa, fb))
        for name in FIELDS:
            key = (name, fa[name], fb[name])
            if fa[name] != fb[name] and seen[key] < EXAMPLES_PER_TRANSITION:
                seen[key] += 1
                explanations[position] = (a["explanation"], b["explanation"])
    return Compared(len(accounts), changes, explanations)


@dataclass
class DiffReport:
    """The tally of one diff: counts per (field, from, to) and the first examples of each."""

    accounts: int = 0
    changed: int = 0
    counts: Counter[Key] = field(default_factory=Counter)
    examples: dict[Key, list[Example]] = field(default_factory=dict)

    def merge(self, accounts: Sequence[Account], batch: Compared) -> None:
        """Add one batch's comparison; batches must come in input order (examples are the first)."""
        self.accounts += batch.accounts
        self.changed += len(batch.changes)
        for position, before, after in batch.changes:
            personal: Personal | None = None
            for name in FIELDS:
                if before[name] == after[name]:
                    continue
                key = (name, before[name], after[name])
                self.counts[key] += 1
                kept = self.examples.setdefault(key, [])
                if len(kept) < EXAMPLES_PER_TRANSITION and position in batch.explanations:
                    personal = personal or Personal.of(accounts[position])
                    old_lines, new_lines = batch.explanations[position]
                    kept.append(
                        Example(
                            accounts[position].account_id,
                            name,
                            key[1],
                            key[2],
                            [personal.mask(line) or "" for line in old_lines],
                            [personal.mask(line) or "" for line in new_lines],
                        )
                    )

    def transitions(self) -> list[tuple[str, Value, Value, int]]:
        """(field, from, to, accounts), by field order, then most accounts first, then values."""
        order = {name: i for i, name in enumerate(FIELDS)}
        return sorted(
            ((f, a, b, n) for (f, a, b), n in self.counts.items()),
            key=lambda t: (order[t[0]], -t[3], repr(t[1]), repr(t[2])),
        )

    def as_json(self) -> dict[str, Any]:
        """The contract's object (docs/contracts.md, "Strategy workbench")."""
        rows = self.transitions()
        return {
            "accounts": self.accounts,
            "changed": self.changed,
            "transitions": [{"field": f, "from": as_json(a), "to": as_json(b), "accounts": n} for f, a, b, n in rows],
            "examples": [
                {
                    "account_id": e.account_id,
                    "field": e.field,
                    "from": as_json(e.old),
                    "to": as_json(e.new),
                    "explanation": {"old": e.explanation_old, "new": e.explanation_new},
                }
                for f, a, b, _ in rows
                for e in self.examples[(f, a, b)]
            ],
        }


def diff(old: Evaluator, new: Evaluator, batches: Iterable[Batch], at: datetime) -> DiffReport:
    """Decide every batch under both playbooks, in this process, and tally what differs."""
    report = DiffReport()
    for batch in batches:
        report.merge(batch[0], compare(old, new, batch, at))
    return report
