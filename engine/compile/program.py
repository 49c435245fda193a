"""Our own rule representation: what a playbook compiles to, independent of any engine.

Every `when:` of a playbook becomes one `Rule` with a stable id (`stage.remind`,
`treatment.remind_sms`, …). A matcher (durable_rules through `engine.match.durable_adapter`, or the
plain-Python reference in `engine.match.python_matcher`) answers one question per account: which
rule ids hold. Everything else — first match, sums of points, channel switches — is decided
from that answer by `engine.decide.evaluator`, so the engine can be swapped without touching it.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.compile.condition_ast import Aggregate, Const, Expr, Field


@dataclass(frozen=True)
class Rule:
    id: str
    text: str
    expr: Expr

    @property
    def constant(self) -> bool | None:
        """True/False when the condition needs no facts at all, else None."""
        return bool(self.expr.value) if isinstance(self.expr, Const) else None


@dataclass(frozen=True)
class Program:
    """The compiled playbook: its rules and the operands their conditions read.

    `operands[i]` is published to the engine as the fact key `f{i}`.
    """

    name: str
    rules: tuple[Rule, ...]
    operands: tuple[Field | Aggregate, ...]

    def key(self, operand: Field | Aggregate) -> str:
        return f"f{self.operands.index(operand)}"

    @property
    def engine_rules(self) -> tuple[Rule, ...]:
        """The rules a matcher must evaluate (constant ones are settled at compile time)."""
        return tuple(r for r in self.rules if r.constant is None)

    @property
    def always(self) -> frozenset[str]:
        return frozenset(r.id for r in self.rules if r.constant is True)
