"""The append-only audit log: one chained line per state-changing act, with a stable code.

Event codes are part of the auditors' interface (never renamed): `PLAYBOOK_ACTIVATED`,
`PLAYBOOK_APPROVED`, `TARGETS_ACTIVATED`, `TARGETS_APPROVED`, `RUN_STARTED`, `RUN_FINISHED`,
`ACCOUNTS_IMPORTED`, `HISTORY_IMPORTED`.
"""

from __future__ import annotations

import json
from typing import Any

from engine.store.chain import ChainWriter
from engine.store.clock import now_iso


def log_event(writer: ChainWriter, actor: str, event: str, subject: str | None, details: dict[str, Any]) -> None:
    """Append one audit line (the writer must hold the `audit_log` chain)."""
    writer.append(
        "audit_log",
        [
            {
                "at": now_iso(),
                "actor": actor,
                "event": event,
                "subject": subject,
                "details": json.dumps(details, sort_keys=True, ensure_ascii=False, default=str),
            }
        ],
    )
