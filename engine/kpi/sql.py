"""The few SQL expressions that differ between SQLite and PostgreSQL, in one place.

Amounts are summed exactly through `engine.store.money` (integer 1/10,000 units), the one
mechanism the targets use too.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Date, cast, func
from sqlalchemy.dialects.postgresql import JSON, JSONB
from sqlalchemy.sql.elements import ColumnElement

RATE = Decimal("0.0001")


def document(dialect: str, column: Any) -> ColumnElement[Any]:
    """A JSON document stored as text, parsed once (PostgreSQL: jsonb) for `json_text`."""
    return cast(column, JSONB) if dialect == "postgresql" else column


def json_text(dialect: str, doc: Any, *path: str) -> ColumnElement[str]:
    """The text at `path` inside `doc` (a `document(...)`); NULL when absent."""
    if dialect == "postgresql":
        return func.jsonb_extract_path_text(doc, *path)
    return func.json_extract(doc, "$." + ".".join(path))


def account_currency(dialect: str, facts: Any) -> ColumnElement[str]:
    """The `currency` of an account's facts document; NULL when it has none.

    PostgreSQL reads it as `json`, not `jsonb`: one key of a document used once needs no
    binary copy of the whole document.
    """
    if dialect == "postgresql":
        return func.json_extract_path_text(cast(facts, JSON), "currency")
    return func.json_extract(facts, "$.currency")


def plus_days(dialect: str, column: Any, days: int | ColumnElement[int]) -> ColumnElement[str]:
    """`YYYY-MM-DD` text of a date column plus `days` days: a number, or an integer column
    (each row its own number of days, e.g. its playbook's grace days)."""
    if dialect == "postgresql":
        return func.to_char(cast(column, Date) + days, "YYYY-MM-DD")
    if isinstance(days, int):
        return func.date(column, f"{days:+d} days")
    return func.date(column, func.printf("%+d days", days))


def next_day(day: str) -> str:
    """The ISO date after `day`: timestamps of `day` are >= day and < next_day(day)."""
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def shift(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def rate(collected_units: int, opening_units: int) -> str | None:
    """collected / opening rounded half-up to 4 places; None when nothing was owed."""
    if not opening_units:
        return None
    return str((Decimal(collected_units) / Decimal(opening_units)).quantize(RATE, rounding=ROUND_HALF_UP))
