"""A file gateway: appends each contact as one JSON line, as a real SMS/e-mail API would receive it.

Shows where a real adapter plugs in: map the outbox row to the gateway's request, pass the
idempotency key as the request's deduplication key, and let the gateway refuse repeats.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any


class JsonlFileDispatcher:
    name = "file"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def send(self, contacts: Sequence[dict[str, Any]]) -> int:
        if not contacts:
            return 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lines = []
        for c in contacts:
            action = json.loads(c["action"])
            lines.append(
                json.dumps(
                    {
                        "idempotency_key": c["idempotency_key"],
                        "channel": c["channel"],
                        "to": action.get("to"),
                        "send_at": action.get("at"),
                        "template": c.get("template"),
                        "text": action.get("text"),
                    },
                    ensure_ascii=False,
                )
            )
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        return len(lines)
