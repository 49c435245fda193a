"""Roster versions in the record: stored and approved like playbooks, one roster in force.

A roster is a side document (`engine.store.documents`): `applies_to` is `{"kind": "roster"}`
and every roster approval is named `roster:current`, so there is one line of succession
whatever the file's `name` — the daily run allocates with the roster approved last (a second
roster in force could give one collector two days' work).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from engine.playbook.roster import KIND, LoadedRoster, load_roster
from engine.store import documents

KEY = "current"


def approval_name() -> str:
    return documents.approval_name(KIND, KEY)


def is_roster(row: Any) -> bool:
    return documents.kind_of(row) == KIND


def in_force(conn: Connection) -> Any | None:
    """The roster version approved last, or None."""
    return documents.in_force(conn, KIND).get(KEY)


def approved_roster(engine: Engine) -> LoadedRoster | None:
    """The approved roster loaded from its stored bytes (sha256 checked), or None when none is."""
    with engine.connect() as conn:
        row = in_force(conn)
    return None if row is None else documents.load_stored(row, load_roster, "roster")


def activate(engine: Engine, path: str | Path, author: str) -> tuple[dict[str, Any], bool]:
    """Store a validated roster as a pending version; (identity, newly stored)."""
    loaded = load_roster(path)
    return documents.store_version(engine, loaded, path, author, {"kind": KIND}, "ROSTER_ACTIVATED")
