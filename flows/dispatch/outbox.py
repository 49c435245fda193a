"""The default adapter: the outbox row is all there is; no message leaves the machine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class OutboxOnly:
    name = "outbox"

    def send(self, contacts: Sequence[dict[str, Any]]) -> int:
        return 0
