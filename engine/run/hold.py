"""The daily run's last look before it writes: a hook the caller passes in.

The run records a chunk in one transaction; just before it writes, it hands the chunk's
decisions, decision rows, contacts, counts and assignments to a `DispatchHold`, which returns
the contacts that may still be written (and may move held actions to `blocked`). The
emergency guard (`emergency.guard.hold_for_emergencies`) is the one the product uses; the
engine defines only the shape, so it needs nothing from `emergency/`. The argument is
required: a caller must say which hold applies, so none is ever forgotten silently.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import Connection


class DispatchHold(Protocol):
    """Filters a chunk's contacts inside its writing transaction (see the module docstring)."""

    def __call__(
        self,
        conn: Connection,
        decided: list[tuple[Any, Any, dict[str, Any]]],
        decision_rows: list[dict[str, Any]],
        contacts: list[dict[str, Any]],
        stats: Any,
        assignments: list[dict[str, Any]] | None = None,
    ) -> list[dict[str, Any]]: ...
