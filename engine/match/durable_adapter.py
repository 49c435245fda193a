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
  (null) values handled so the meaning equals `engine.compile.reference`'s.
* durable_rules coerces across kinds (`"5" == 5`, `true == 1`, `"abc" > 5000`), where our
  language says values of different kinds never compare. An operand whose kind is not fixed
  (`attributes.*`) is therefore published under one key per kind (`f3n`, `f3s`, `f3b`) plus
  a presence key (`f3`, also set for list or object values); a literal is compared only with
  the key of its own kind, so a value of another kind is simply absent for that test.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import durable_rules_engine
from durable import engine as durable_engine

from engine.compile.condition_ast import (
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
from engine.compile.fields import ANY, account_field_type
from engine.compile.program import Program
from engine.contracts.errors import EvaluationError
from engine.match.windows import CorrelationHit, WindowRule, where_value

BATCH = 1000
durable_engine_error = durable_rules_engine.error
MARKER = {"k": "a"}
_names = itertools.count()


class RulesEngineError(EvaluationError):
    """durable_rules failed while evaluating, or was about to be handed a value it cannot
    represent exactly; the batch's result cannot be trusted."""


class _SyncHost(durable_engine.Host):
    """A Host whose actions run inside the post call: no background timer thread."""

    def _run(self) -> None:
        return None


MAX_EXACT_INT = 2**53  # beyond it, neighbouring whole numbers share one double


def _json_value(value: Any) -> Any:
    """A value as the engine's JSON will hold it, or `RulesEngineError` when the C core would
    not hold it exactly. The core reads JSON numbers as int64 or C doubles and compares in
    doubles; it crashes (segfault) on an exponent without a fraction (`1e+16`, `1e-05`, which
    is how Python writes such doubles). So: whole numbers within ±2^53 go as JSON integers;
    other numbers go as doubles only when finite, when the double's shortest text has no
    exponent (10^-4 ≤ |x| < 10^16, or 0) and, for a Decimal, when it reads back as the same
    number. Anything else would be compared as some other number: refused, never rounded.
    The contracts (`engine.contracts.numbers`) keep user input well inside these limits."""
    if isinstance(value, str):
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise RulesEngineError("the rules engine cannot hold a string with a lone surrogate") from None
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, int):
        if abs(value) > MAX_EXACT_INT:
            raise RulesEngineError(f"the rules engine cannot compare {value} exactly (beyond ±2^53)")
        return value
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    if not finite:
        raise RulesEngineError(f"the rules engine cannot compare {value} (not a finite number)")
    number = float(value)
    text = repr(number)
    if "e" in text or "inf" in text:
        raise RulesEngineError(f"the rules engine cannot compare {value} exactly (outside 10^-4 .. 10^16)")
    if isinstance(value, Decimal) and Decimal(text) != value:
        raise RulesEngineError(f"the rules engine cannot compare {value} exactly (it would read {text})")
    if abs(number) > MAX_EXACT_INT:
        raise RulesEngineError(f"the rules engine cannot compare {value} exactly (beyond ±2^53)")
    return number


def _kind(value: Any) -> str:
    """The key suffix of a scalar's kind ("" for lists and objects, which never compare)."""
    if isinstance(value, bool):
        return "b"
    if isinstance(value, int | float | Decimal):
        return "n"
    if isinstance(value, str):
        return "s"
    return ""


def dynamic_operands(program: Program) -> frozenset[int]:
    """Indexes of operands whose kind is only known per account (`attributes.*`)."""
    return frozenset(
        i for i, op in enumerate(program.operands) if isinstance(op, Field) and account_field_type(op.name) == ANY
    )


class _Emitter:
    """Turns condition nodes into durable_rules JSON conditions over keys `f0`, `f1`, …"""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.member_keys: dict[tuple[int, str], str] = {}
        self.dynamic = dynamic_operands(program)

    def key(self, operand: Field | Aggregate) -> str:
        """The presence key: absent exactly when the operand's value is null."""
        return self.program.key(operand)

    def value_key(self, operand: Field | Aggregate, value: Any) -> str:
        """The key a literal `value` is compared with (per kind for dynamic operands)."""
        key = self.program.key(operand)
        return key + _kind(value) if self.program.operands.index(operand) in self.dynamic else key

    def member_key(self, node: Contains) -> str:
        index = self.program.operands.index(node.collection)
        return self.member_keys.setdefault((index, node.member), f"f{index}m{len(self.member_keys)}")

    def compare(self, operand: Field | Aggregate, op: str, value: Any) -> dict[str, Any]:
        if value is None:
            return {"$nex" if op == "==" else "$ex": {self.key(operand): 1}}
        key = self.value_key(operand, value)
        value = _json_value(value)
        if op == "==":
            return {key: value}
        name = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}[op]
        return {name: {key: value}}

    def negated_compare(self, operand: Field | Aggregate, op: str, value: Any) -> dict[str, Any]:
        """`not (operand op value)`: the inverse comparison, or no value of that kind at all."""
        if value is None:
            return self.compare(operand, "!=" if op == "==" else "==", None)
        return {
            "$or": [self.compare(operand, INVERSE[op], value), {"$nex": {self.value_key(operand, value): 1}}]
        }

    def emit(self, expr: Expr, negate: bool = False) -> dict[str, Any]:
        if isinstance(expr, Compare):
            if not negate:
                return self.compare(expr.left, expr.op, expr.right.value)
            return self.negated_compare(expr.left, expr.op, expr.right.value)
        if isinstance(expr, InList):
            if not negate:
                return {"$or": [self.compare(expr.left, "==", c.value) for c in expr.values]}
            return {"$and": [self.negated_compare(expr.left, "==", c.value) for c in expr.values]}
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
        self._dynamic = dynamic_operands(program)
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
        dynamic = self._dynamic
        for i, value in enumerate(values):
            if value is None:
                continue
            if i in dynamic:
                fact[f"f{i}"] = 1
                kind = _kind(value)
                if kind:
                    fact[f"f{i}{kind}"] = _json_value(value)
            elif not isinstance(value, list | tuple):
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
            except durable_engine_error as exc:  # the C core refused the batch
                raise RulesEngineError(f"durable_rules refused a batch: {exc}") from exc
            finally:
                self.host.retract_facts(self.name, facts)
            state = self.host.get_state(self.name, None)
            if state.get("exception"):
                raise RulesEngineError(f"durable_rules action failed: {state['exception']}")
            results.extend(frozenset(self._hits[fid]) | always for fid in ids)
        self._hits.clear()
        return results


# -- event correlation (emergencies) -----------------------------------------------------
MAX_LIVE_SESSIONS = 1000  # per ruleset; the C core fails for good at the 1,025th live sid


class CorrelationEngine:
    """Counts events per subject over event-time windows (`emergency.rules.WindowRule`).

    Unlike account evaluation, correlation must combine several events of one subject, so
    each subject (a collector, an account…) is a durable_rules session (`sid`) and each
    event a fact in it. A rule `count=3, within=24h` becomes one join of three facts, each
    later than the previous (`o`: time, then arrival) and at most 24 h after the first.
    Facts a hit used are retracted by the hit's action, so the same events never fire twice.

    The 1,024-session limit is kept away from: a subject's facts that fell out of its window
    are retracted and an empty session is deleted (`delete_state`); when a ruleset still holds
    `MAX_LIVE_SESSIONS` subjects, new subjects go to another copy of the ruleset (a shard).
    Events must be fed in time order per subject (the ingest sorts them). Exceptions swallowed
    by durable_rules are read from the session state after every assert and raised.
    """

    def __init__(self, rules: Sequence[WindowRule]) -> None:
        self.rules = list(rules)
        self.host = _SyncHost()
        self._seq = itertools.count()
        self._hits: list[CorrelationHit] = []
        self._shards: dict[str, list[str]] = {rule.id: [] for rule in self.rules}
        self._live: dict[str, dict[str, list[dict[str, Any]]]] = {}  # ruleset → sid → facts
        self._swept: dict[str, int] = {}  # ruleset → event time of its last sweep
        self._base = f"arrears_corr_{next(_names)}"

    def _ruleset(self, rule: WindowRule) -> str:
        name = f"{self._base}_{rule.id}_{len(self._shards[rule.id])}"
        marker = {"k": "ev"}
        filters = [marker, {"kind": rule.event}] + [{f"w_{k}": where_value(v)} for k, v in rule.where]
        conditions: list[dict[str, Any]] = [{"e0": {"$and": filters}}]
        for i in range(1, rule.count):
            later = {"$gt": {"o": {f"e{i - 1}": "o"}}}
            inside = {"$lte": {"t": {"$add": {"$l": {"e0": "t"}, "$r": rule.within_seconds}}}}
            conditions.append({f"e{i}": {"$and": [*filters, later, inside]}})
        hits, count = self._hits, rule.count

        def hit(c: Any) -> None:
            facts = [getattr(c, f"e{i}")._d for i in range(count)]  # Content._d: the fact as posted
            subject = facts[0]["sid"]
            found = CorrelationHit(rule.id, None if rule.group_by is None else subject, tuple(f["eid"] for f in facts))
            hits.append(found)
            for fact in facts:
                c.retract_fact(fact)

        self.host.set_rulesets(
            {
                name: {
                    "hit": {"all": conditions, "run": hit},
                    "zz_default": {"all": [{"m": marker}], "pri": 1_000_000, "run": lambda c: None},
                }
            }
        )
        self._shards[rule.id].append(name)
        self._live[name] = {}
        return name

    def _place(self, rule: WindowRule, sid: str, now: int) -> str:
        """The ruleset holding `sid`'s session, sweeping stale sessions or adding a shard."""
        for name in self._shards[rule.id]:
            if sid in self._live[name]:
                return name
        for name in self._shards[rule.id]:
            # sweeping a full shard is O(sessions): at most once per quarter window
            full = len(self._live[name]) >= MAX_LIVE_SESSIONS
            if full and now >= self._swept.get(name, -1) + rule.within_seconds // 4:
                self._swept[name] = now
                for stale in list(self._live[name]):
                    self._prune(rule, name, stale, now)
            if len(self._live[name]) < MAX_LIVE_SESSIONS:
                return name
        return self._ruleset(rule)

    def _prune(self, rule: WindowRule, name: str, sid: str, now: int, everything: bool = False) -> None:
        facts = self._live[name][sid]
        keep = [] if everything else [f for f in facts if f["t"] >= now - rule.within_seconds]
        stale = [f for f in facts if f not in keep]
        if stale:
            self.host.retract_facts(name, stale)
        if keep:
            self._live[name][sid] = keep
        else:
            del self._live[name][sid]
            self.host.delete_state(name, sid)

    def live_sessions(self) -> int:
        return sum(len(sessions) for sessions in self._live.values())

    def feed(self, event: dict[str, Any]) -> list[CorrelationHit]:
        """Feed one event (`event_id`, `kind`, `t` in epoch seconds, and its fields)."""
        found: list[CorrelationHit] = []
        t = int(event["t"])
        for rule in self.rules:
            if event.get("kind") != rule.event:
                continue
            subject = "*" if rule.group_by is None else event.get(rule.group_by)
            if subject is None or subject == "":
                continue
            sid = str(subject)
            name = self._place(rule, sid, t)
            seq = next(self._seq)
            fact: dict[str, Any] = {"sid": sid, "id": f"e{seq}", "eid": str(event["event_id"]), "k": "ev"}
            fact.update({"kind": rule.event, "t": t, "o": t * 4096 + seq % 4096})
            for key, _ in rule.where:
                value = where_value(event.get(key))
                if value is not None:
                    fact[f"w_{key}"] = value
            self._live[name].setdefault(sid, []).append(fact)
            self._hits.clear()
            self.host.assert_fact(name, fact)
            state = self.host.get_state(name, sid)
            if state.get("exception"):
                raise RulesEngineError(f"durable_rules correlation action failed: {state['exception']}")
            used = {eid for h in self._hits for eid in h.event_ids}
            self._live[name][sid] = [f for f in self._live[name][sid] if f["eid"] not in used]
            found.extend(self._hits)
            self._prune(rule, name, sid, t, everything=rule.count == 1)
        self._hits.clear()
        return found
