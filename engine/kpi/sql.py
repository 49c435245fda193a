"""The few SQL expressions that differ between SQLite and PostgreSQL, in one place.

Amounts are decimal strings in the record. Summing them as floats would drift by cents over
a million rows, so every amount is turned into an integer number of 1/10,000 units
(`units`) before it is summed; money leaves this package as a decimal string again (`money`).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import BigInteger, Date, Float, cast, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import ColumnElement

SCALE = 10_000  # amounts are summed as integers of 1/SCALE currency units
CENT = Decimal("0.01")
RATE = Decimal("0.0001")


def units(column: Any) -> ColumnElement[int]:
    """A decimal-string amount as an exact integer of 1/10,000 units (4 decimal places)."""
    return cast(func.round(cast(column, Float) * SCALE), BigInteger)


def document(dialect: str, column: Any) -> ColumnElement[Any]:
    """A JSON document stored as text, parsed once (PostgreSQL: jsonb) for `json_text`."""
    return cast(column, JSONB) if dialect == "postgresql" else column


def json_text(dialect: str, doc: Any, *path: str) -> ColumnElement[str]:
    """The text at `path` inside `doc` (a `document(...)`); NULL when absent."""
    if dialect == "postgresql":
        return func.jsonb_extract_path_text(doc, *path)
    return func.json_extract(doc, "$." + ".".join(path))


def plus_days(dialect: str, column: Any, days: int) -> ColumnElement[str]:
    """`YYYY-MM-DD` text of a date column plus `days` days."""
    if dialect == "postgresql":
        return func.to_char(cast(column, Date) + days, "YYYY-MM-DD")
    return func.date(column, f"{days:+d} days")


def next_day(day: str) -> str:
    """The ISO date after `day`: timestamps of `day` are >= day and < next_day(day)."""
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def shift(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def money(total_units: int | None) -> str:
    """Integer units as a decimal string: two places, more only when the amount has them."""
    exact = Decimal(total_units or 0) / SCALE
    cents = exact.quantize(CENT)
    return str(cents) if cents == exact else str(exact.normalize())


def rate(collected_units: int, opening_units: int) -> str | None:
    """collected / opening rounded half-up to 4 places; None when nothing was owed."""
    if not opening_units:
        return None
    return str((Decimal(collected_units) / Decimal(opening_units)).quantize(RATE, rounding=ROUND_HALF_UP))
