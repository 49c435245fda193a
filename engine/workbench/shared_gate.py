"""One compliance verdict per proposed action, shared by the two playbooks of a diff.

Most accounts get the same actions under OLD and NEW, and the compliance gate is the largest
single cost of a decision (docs/performance.md). The gate is a pure function of the account,
the debtor's history, the proposed action and the playbook's tightened limits, so when both
playbooks have equal limits the second identical question gets the first answer. The memo is
keyed by the identity of the account and history objects (both evaluators receive the very
same objects for a batch) and the action's full content, and cleared for every batch, so an
identity can never be reused for another account. With different limits nothing is shared.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from engine.compliance.adapter import default_gate
from engine.contracts.facts import Account, HistoryEntry
from engine.playbook.loader import LoadedPlaybook

Verdict = tuple[list[dict[str, Any]], datetime | None]


class SharedGate:
    """`default_gate(loaded)` with a per-batch memo; callable like the gate it wraps."""

    def __init__(self, loaded: LoadedPlaybook) -> None:
        self._gate = default_gate(loaded)
        self._memo: dict[tuple[int, int, str], Verdict] = {}
        self.asked = 0
        self.answered = 0

    def __call__(self, account: Account, history: Sequence[HistoryEntry], action: dict[str, Any]) -> Verdict:
        self.asked += 1
        key = (id(account), id(history), json.dumps(action, sort_keys=True, default=str))
        verdict = self._memo.get(key)
        if verdict is None:
            verdict = self._memo[key] = self._gate(account, history, action)
            self.answered += 1
        violations, next_at = verdict
        return [dict(v) for v in violations], next_at

    def clear(self) -> None:
        """Forget every verdict: call before each batch (object identities are reused)."""
        self._memo.clear()


def gates(old: LoadedPlaybook, new: LoadedPlaybook) -> tuple[Any, Any]:
    """The two playbooks' gates: one shared memo when their limits are equal, else their own."""
    if old.compliance_limits == new.compliance_limits:
        shared = SharedGate(old)
        return shared, shared
    return default_gate(old), default_gate(new)
