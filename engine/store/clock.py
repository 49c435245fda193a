"""Timestamps as stored: ISO 8601 text in UTC.

Stored as text, not as dialect timestamp types, so a row reads back byte-identical on SQLite
and PostgreSQL — the hash chain hashes exactly what is stored.
"""

from __future__ import annotations

from datetime import UTC, datetime


def iso_utc(value: datetime) -> str:
    """An aware datetime as `YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00`."""
    return value.astimezone(UTC).isoformat()


def now_iso() -> str:
    return iso_utc(datetime.now(UTC))
