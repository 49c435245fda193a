"""Dialect-aware `INSERT … ON CONFLICT` for SQLite and PostgreSQL.

Both dialects spell it the same way in SQLAlchemy but through different modules; this is
the one place that chooses. Anything else (MySQL…) is not a supported system of record.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def _insert(conn: Connection, table: Table) -> Any:
    name = conn.dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise RuntimeError(f"unsupported database dialect {name!r}: use SQLite or PostgreSQL")


def upsert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]], key: Sequence[str]) -> None:
    """Insert rows, replacing the non-key columns of rows whose key already exists."""
    if not rows:
        return
    stmt = _insert(conn, table)
    changed = {c: stmt.excluded[c] for c in rows[0] if c not in key}
    conn.execute(stmt.on_conflict_do_update(index_elements=list(key), set_=changed), list(rows))


def insert_new(conn: Connection, table: Table, rows: Sequence[dict[str, Any]], key: str) -> set[Any]:
    """Insert rows whose `key` is not taken (`ON CONFLICT DO NOTHING`); returns the keys inserted."""
    if not rows:
        return set()
    stmt = _insert(conn, table).on_conflict_do_nothing(index_elements=[key]).returning(table.c[key])
    result = conn.execute(stmt, list(rows))
    return {row[0] for row in result}
