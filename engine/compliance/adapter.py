"""The compliance gate as `engine.decide.evaluator` calls it: contract dicts in, violations out.

Kept apart so the decision logic does not depend on how the compliance pack is organised.
The gate fails closed: when the pack (the gate, the limits or any rule module) cannot be
loaded, or a jurisdiction has no rules, `require_pack` raises `ComplianceUnavailable` before
anything is decided, and the command stops (exit 2). There is no "no gate" fallback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine.contracts.facts import Account, Action, HistoryEntry

if TYPE_CHECKING:
    from engine.playbook.loader import LoadedPlaybook

ACTION_FIELDS = tuple(Action.model_fields)


class ComplianceUnavailable(RuntimeError):
    """The compliance pack cannot be loaded: nothing may be decided or judged without it."""


def require_pack(jurisdictions: Iterable[str]) -> None:
    """Load the gate and every rule now, and insist each jurisdiction has rules.

    The registry loads rule modules lazily; loading them here turns a missing or broken
    module into one clear error before the first account, instead of a crash (or a silent
    "allowed") in the middle of a run.
    """
    try:
        import engine.compliance.gate
        import engine.compliance.limits  # noqa: F401
        from engine.compliance.registry import rules_for

        missing = sorted(j for j in set(jurisdictions) if not rules_for(j))
    except Exception as exc:  # ImportError, or any fault while importing a rule module
        raise ComplianceUnavailable(
            f"the compliance pack cannot be loaded ({type(exc).__name__}: {exc}); "
            "refusing to decide or check contacts without it — reinstall or repair engine/compliance"
        ) from exc
    if missing:
        raise ComplianceUnavailable(
            f"the compliance pack cannot be loaded: no rules for {', '.join(missing)}; "
            "refusing to decide or check contacts without them"
        )


def default_gate(loaded: LoadedPlaybook) -> Any:
    """The gate for this playbook's tightened limits; raises `ComplianceUnavailable`, never returns None."""
    require_pack(loaded.playbook.applies_to.jurisdictions)
    from engine.compliance.gate import check

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
