"""A file gateway: appends each contact as one JSON line, as a real SMS/e-mail API would receive it.

Shows where a real adapter plugs in: map the outbox row to the gateway's request, pass the
idempotency key as the request's deduplication key, and let the gateway refuse repeats.
A batch is appended whole or not at all: if writing fails (disk full, a lost mount) the file
is cut back to its size before the batch and the error raised, so the relay's retry cannot
leave half a batch, or a batch twice, in the file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def gateway_line(contact: dict[str, Any]) -> str:
    """The request a gateway receives for one outbox row, keyed by its idempotency key."""
    action = json.loads(contact["action"])
    return json.dumps(
        {
            "idempotency_key": contact["idempotency_key"],
            "channel": contact["channel"],
            "to": action.get("to"),
            "send_at": action.get("at"),
            "template": contact.get("template"),
            "text": action.get("text"),
        },
        ensure_ascii=False,
    )


class JsonlFileDispatcher:
    name = "file"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def send(self, contacts: Sequence[dict[str, Any]]) -> int:
        if not contacts:
            return 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = ("\n".join(gateway_line(c) for c in contacts) + "\n").encode("utf-8")
        with self.path.open("ab") as handle:
            start = handle.tell()
            try:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            except BaseException:
                handle.truncate(start)
                raise
        return len(contacts)
