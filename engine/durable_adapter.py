"""The one module that imports durable_rules: emits its JSON rulesets and runs them.

How the engine is used, and why (see `../shared/durable-notes.md`):

* Each account is one *fact* (`assert_facts` then `retract_facts`), not an event: an event is
  consumed by the first rule that fires, a fact lets every matching rule fire, and we need
  all of them (points are summed, treatments are many).
* No `sid`: every fact lives in the default session, so the 1,024-live-session limit of the C
  core (a `MemoryError` that breaks the ruleset for good) can never be reached. Facts are
  retracted after each batch of at most `BATCH` accounts, so memory stays flat.
* Every rule has `cap`, so one action call receives up to `BATCH` matched facts.
* A `Host` without its timer thread: actions run synchronously inside `assert_facts`.
* durable_rules stores an exception raised in an action in the session state instead of
  raising it; the state is checked after every batch and such an error is raised here.
* durable_rules cannot say which rules matched; the registered actions record it.
* Every condition is anchored on our own `k` marker so it can never match the session-state
  fact, and a lowest-priority default rule means no fact is ever "not handled".
* durable_rules has no `not`: conditions are emitted in negation normal form, with absent
  (null) values handled so the meaning equals `engine.condition_eval`'s.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from durable import engine as durable_engine

from engine.condition_ast import (
    INVERSE,
    Aggregate,
    And,
    Compare,
    Const,
    Contains,
    Expr,
    Field,
    InList,
    Not,
    Or,
)
from engine.rule_program import Program

BATCH = 1000
MARKER = {"k": "a"}
_names = itertools.count()


class RulesEngineError(RuntimeError):
    """durable_rules failed while evaluating; the batch's result cannot be trusted."""


class _SyncHost(durable_engine.Host):
    """A Host whose actions run inside the post call: no background timer thread."""

    def _run(self) -> None:
        return None


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


class _Emitter:
    """Turns condition nodes into durable_rules JSON conditions over keys `f0`, `f1`, …"""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.member_keys: dict[tuple[int, str], str] = {}

    def key(self, operand: Field | Aggregate) -> str:
        return self.program.key(operand)

    def member_key(self, node: Contains) -> str:
        index = self.program.operands.index(node.collection)
        return self.member_keys.setdefault((index, node.member), f"f{index}m{len(self.member_keys)}")

    def compare(self, key: str, op: str, value: Any) -> dict[str, Any]:
        if value is None:
            return {"$nex" if op == "==" else "$ex": {key: 1}}
        value = _json_value(value)
        if op == "==":
            return {key: value}
        name = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}[op]
        return {name: {key: value}}

    def emit(self, expr: Expr, negate: bool = False) -> dict[str, Any]:
        if isinstance(expr, Compare):
            key, value = self.key(expr.left), expr.right.value
            if not negate:
                return self.compare(key, expr.op, value)
            if value is None:
                return self.compare(key, "!=" if expr.op == "==" else "==", None)
            return {"$or": [self.compare(key, INVERSE[expr.op], value), {"$nex": {key: 1}}]}
        if isinstance(expr, InList):
            key = self.key(expr.left)
            if not negate:
                return {"$or": [self.compare(key, "==", c.value) for c in expr.values]}
            parts = [self.compare(key, "!=", c.value) for c in expr.values]
            if any(c.value is None for c in expr.values):
                return {"$and": parts}
            return {"$or": [{"$and": parts}, {"$nex": {key: 1}}]}
        if isinstance(expr, Contains):
            return {self.member_key(expr): not negate}
        if isinstance(expr, Not):
            return self.emit(expr.item, not negate)
        if isinstance(expr, And | Or):
            combine = "$and" if isinstance(expr, And) != negate else "$or"
            return {combine: [self.emit(item, negate) for item in expr.items]}
        if isinstance(expr, Const):
            raise ValueError("constant conditions are settled by the compiler, not the engine")
        raise TypeError(f"not a condition node: {expr!r}")


def ruleset_json(program: Program) -> tuple[dict[str, Any], dict[tuple[int, str], str]]:
    """The durable_rules JSON conditions for `program` (without actions), and the keys that
    carry `'member' in list` tests."""
    emitter = _Emitter(program)
    rules = {
        f"r{i}": {"all": [{"m": {"$and": [MARKER, emitter.emit(rule.expr)]}}], "cap": BATCH}
        for i, rule in enumerate(program.engine_rules)
    }
    rules["zz_default"] = {"all": [{"m": MARKER}], "pri": 1_000_000, "cap": BATCH}
    return rules, emitter.member_keys


class DurableMatcher:
    """Answers, for a batch of accounts, which of the program's rules hold for each."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.name = "arrears_" + re.sub(r"[^A-Za-z0-9_]", "_", program.name) + f"_{next(_names)}"
        rules, self.member_keys = ruleset_json(program)
        self.rule_ids = [r.id for r in program.engine_rules]
        self._hits: dict[str, set[str]] = {}
        for i, rule_id in enumerate(self.rule_ids):
            rules[f"r{i}"]["run"] = self._recorder(rule_id)
        rules["zz_default"]["run"] = lambda c: None
        self.host = _SyncHost()
        self.host.set_rulesets({self.name: rules})
        self._ids = itertools.count()
        self._list_operands = sorted({index for index, _ in self.member_keys})
        self._members = [
            (index, member, key) for (index, member), key in sorted(self.member_keys.items(), key=lambda kv: kv[1])
        ]

    def _recorder(self, rule_id: str):
        hits = self._hits

        def record(c: Any) -> None:
            for fact in c.m:
                hits[fact._d["id"]].add(rule_id)  # Content._d: the fact as posted

        return record

    def _fact(self, fid: str, values: Sequence[Any]) -> dict[str, Any]:
        fact: dict[str, Any] = {"id": fid, "k": "a"}
        for i, value in enumerate(values):
            if value is not None and not isinstance(value, list | tuple):
                fact[f"f{i}"] = _json_value(value)
        for index, member, key in self._members:
            fact[key] = member in (values[index] or ())
        return fact

    def match(self, rows: Sequence[Sequence[Any]]) -> list[frozenset[str]]:
        """`rows[i]` are account i's operand values (`Program.operands` order)."""
        results: list[frozenset[str]] = []
        always = self.program.always
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            ids = [str(next(self._ids)) for _ in chunk]
            facts = [self._fact(fid, values) for fid, values in zip(ids, chunk, strict=True)]
            self._hits.clear()
            self._hits.update({fid: set() for fid in ids})
            try:
                self.host.assert_facts(self.name, facts)
            finally:
                self.host.retract_facts(self.name, facts)
            state = self.host.get_state(self.name, None)
            if state.get("exception"):
                raise RulesEngineError(f"durable_rules action failed: {state['exception']}")
            results.extend(frozenset(self._hits[fid]) | always for fid in ids)
        self._hits.clear()
        return results
