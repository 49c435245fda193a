"""Constant folding for conditions: `true and dpd > 3` is `dpd > 3`; `x or true` is `true`.

Rules whose condition folds to a constant never reach the rules engine.
"""

from __future__ import annotations

from engine.compile.condition_ast import And, Const, Expr, Not, Or


def simplify(expr: Expr) -> Expr:
    if isinstance(expr, Not):
        inner = simplify(expr.item)
        return Const(not inner.value) if isinstance(inner, Const) else Not(inner)
    if isinstance(expr, And | Or):
        neutral = isinstance(expr, And)  # and: true is neutral, false absorbs
        items = []
        for item in (simplify(i) for i in expr.items):
            if isinstance(item, Const):
                if bool(item.value) != neutral:
                    return Const(not neutral)
                continue
            items.append(item)
        if not items:
            return Const(neutral)
        return items[0] if len(items) == 1 else type(expr)(tuple(items))
    return expr
