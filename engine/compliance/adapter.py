"""The compliance gate as `engine.decide.evaluator` calls it: contract dicts in, violations out.

Kept apart so the decision logic does not depend on how the compliance pack is organised;
without the pack, `default_gate` returns None and nothing is blocked.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from engine.contracts.facts import Account, Action, HistoryEntry
from engine.playbook.loader import LoadedPlaybook

ACTION_FIELDS = tuple(Action.model_fields)


def default_gate(loaded: LoadedPlaybook) -> Any:
    try:
        from engine.compliance.gate import check
    except ImportError:
        return None
    limits = loaded.compliance_limits

    def gate(
        account: Account, history: Sequence[HistoryEntry], action: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], datetime | None]:
        proposed = Action.model_validate({k: action[k] for k in ACTION_FIELDS if k in action})
        verdict = check(account, history, proposed, limits=limits)
        if verdict.allowed:
            return [], None
        return [v.model_dump(mode="json") for v in verdict.violations], verdict.next_allowed_at

    return gate
