"""The condition language's own representation (never Python `eval`).

Conditions are parsed into these small immutable nodes. The compiler hands them to the
durable_rules adapter (account-level nodes) and to the history aggregator (predicates inside
`count(...)`); `engine.compile.reference` gives the same nodes a plain-Python meaning that the
tests hold the rules engine to.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

Scalar = str | int | Decimal | bool | None

COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
# The comparison that holds exactly when `op` does not (for non-null operands).
INVERSE = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}


@dataclass(frozen=True)
class Const:
    value: Scalar


@dataclass(frozen=True)
class Field:
    """A fact of the account (`dpd`, `attributes.segment`) or of a history entry."""

    name: str


@dataclass(frozen=True)
class Aggregate:
    """A number derived from the contact history: `count(pred, days=N)`, `days_since(pred)`."""

    func: str
    predicate: Expr
    days: int | None
    text: str


@dataclass(frozen=True)
class Compare:
    left: Field | Aggregate
    op: str
    right: Const


@dataclass(frozen=True)
class InList:
    """`field in ['a', 'b']` (negated: `not in`)."""

    left: Field
    values: tuple[Const, ...]


@dataclass(frozen=True)
class Contains:
    """`'vulnerable' in flags`: a member of a list-valued fact."""

    member: str
    collection: Field


@dataclass(frozen=True)
class And:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Not:
    item: Expr


Expr = Const | Compare | InList | Contains | And | Or | Not
Operand = Field | Aggregate


def operands(expr: Expr) -> list[Operand]:
    """Every account-level field and aggregate an expression reads, in order of appearance."""
    found: list[Operand] = []

    def walk(node: Expr) -> None:
        if isinstance(node, (Compare, InList)):
            found.append(node.left)
        elif isinstance(node, Contains):
            found.append(node.collection)
        elif isinstance(node, And | Or):
            for item in node.items:
                walk(item)
        elif isinstance(node, Not):
            walk(node.item)

    walk(expr)
    return found
