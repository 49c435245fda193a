"""Exact sums of money in SQL, on SQLite and PostgreSQL alike: the one mechanism.

Amounts are decimal strings in the record. Summed as floats they drift by cents over a
million rows, so SQL sums them as integers: `units` turns an amount into a whole number of
1/10,000 currency units (4 places hold every ISO 4217 currency's minor units), SQL's integer
SUM adds those exactly, and `from_units` / `units_text` turn a sum back into a decimal,
written with the currency's minor units (CLDR via babel, as amounts are checked on import).
The KPIs (`engine.kpi`) and the targets' collected sums (`engine.store.targets`) both use it.

PostgreSQL converts through `numeric`, which is exact. SQLite has no decimal type (`CAST(x AS
REAL)` is a double, inexact past 2^53 units), so it calls `decimal_units`, a Python function
registered on every connection (`engine.store.db`) that parses with `Decimal` and raises —
failing the statement — for an amount that is not a decimal or that int64 cannot hold,
rather than rounding it silently. An integer SUM that overflows int64 fails on SQLite too
("integer overflow"); PostgreSQL sums bigints into `numeric`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import BigInteger, Numeric, cast, func
from sqlalchemy.sql.elements import ColumnElement

from engine.contracts.numbers import money_text

SCALE = 10_000  # amounts are summed as integers of 1/SCALE currency units
INT64_MAX = 2**63 - 1


def decimal_units(text: str | None) -> int | None:
    """SQLite's `decimal_units(text)`: a decimal string as exact 1/SCALE units (NULL stays NULL)."""
    if text is None:
        return None
    try:
        scaled = Decimal(text) * SCALE
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"amount {text!r} is not a decimal") from exc
    if scaled != scaled.to_integral_value() or abs(scaled) > INT64_MAX:
        raise ValueError(f"amount {text!r} has more than 4 decimal places or is too large to sum exactly")
    return int(scaled)


def units(dialect: str, column: Any) -> ColumnElement[int]:
    """A decimal-string amount column as exact integer 1/SCALE units, to be SUMmed."""
    if dialect == "postgresql":
        return cast(cast(column, Numeric) * SCALE, BigInteger)
    return func.decimal_units(column)


def from_units(total_units: Any) -> Decimal:
    """A sum of units (int, numeric or NULL for none) as the exact Decimal amount."""
    return Decimal(int(total_units or 0)) / SCALE


def units_text(total_units: Any, currency: str | None) -> str:
    """A sum of units as the decimal string of `currency` (`engine.contracts.numbers.money_text`)."""
    return money_text(from_units(total_units), currency)
