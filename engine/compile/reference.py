"""The plain-Python meaning of a condition: the reference the rules engine is held to.

Null semantics are SQL-like: an ordering comparison with a missing value is false, `== null`
tests for absence, and `not` is ordinary negation. Values of different kinds (a string
attribute compared with a number, `true` with `1`) never compare: every comparison between
them is false, `!=` included (so `attributes.x != 5` is false for `x = "abc"`, while
`not (attributes.x == 5)` is true). Lists and objects compare with nothing but `null`.

Precision: the rules engine compares numbers as IEEE 754 doubles, exact for money to the cent
below 10^13 and whole numbers within ±2^53. The contracts (`engine.contracts.numbers`) accept
no other numbers and the durable adapter refuses any other, so both answers are always equal.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from engine.compile.condition_ast import Aggregate, And, Compare, Const, Contains, Expr, Field, InList, Not, Or

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float | Decimal):
        return "number"
    return type(value).__name__


def compare(left: Any, op: str, right: Any) -> bool:
    if right is None:
        return (left is None) if op == "==" else (left is not None)
    if left is None or _kind(left) != _kind(right):
        return False
    return _OPS[op](left, right)


def evaluate(expr: Expr, read: Callable[[Field | Aggregate], Any]) -> bool:
    """Evaluate `expr`, reading each field or aggregate through `read`."""
    if isinstance(expr, Const):
        return bool(expr.value)
    if isinstance(expr, Compare):
        return compare(read(expr.left), expr.op, expr.right.value)
    if isinstance(expr, InList):
        value = read(expr.left)
        return any(compare(value, "==", c.value) for c in expr.values if c.value is not None) or (
            value is None and any(c.value is None for c in expr.values)
        )
    if isinstance(expr, Contains):
        return expr.member in (read(expr.collection) or ())
    if isinstance(expr, And):
        return all(evaluate(item, read) for item in expr.items)
    if isinstance(expr, Or):
        return any(evaluate(item, read) for item in expr.items)
    if isinstance(expr, Not):
        return not evaluate(expr.item, read)
    raise TypeError(f"not a condition node: {expr!r}")
