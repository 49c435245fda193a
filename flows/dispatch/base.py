"""The dispatcher interface every channel adapter implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class Dispatcher(Protocol):
    """Forwards outbox contacts to a gateway; called only by the relay (`engine.run.relay`).

    Each contact is an outbox row as a dict, with its `idempotency_key`: pass it to the
    gateway as the request's deduplication key. `send` must raise unless the gateway
    accepted every contact; the relay then records the error and retries later, and marks
    rows dispatched only after `send` returned. The one repeat left (a crash after the
    gateway accepted and before the mark committed) carries the same key.
    """

    name: str

    def send(self, contacts: Sequence[dict[str, Any]]) -> int:
        """Forward contacts (outbox rows as dicts, each with `idempotency_key`); returns how many
        were handed over; raises if the gateway did not accept them all."""
        ...
