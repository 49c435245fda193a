"""The dispatcher interface every channel adapter implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class Dispatcher(Protocol):
    """Forwards newly written outbox contacts to a gateway.

    Called after the chunk's transaction committed, so a crash between commit and send
    loses a send, never duplicates a record; a gateway that must never miss one reads the
    outbox table instead (the transactional-outbox pattern), keyed by `idempotency_key`.
    """

    name: str

    def send(self, contacts: Sequence[dict[str, Any]]) -> int:
        """Forward contacts (outbox rows as dicts); returns how many were handed over."""
        ...
