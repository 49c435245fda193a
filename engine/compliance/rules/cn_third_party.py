"""CN.CCM.THIRD_PARTY: never collect from unrelated third parties."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import Finding, Rule
from engine.compliance.context import Context
from engine.compliance.rules._sources import CCM_68

MESSAGE_KINDS = frozenset({"location_inquiry", "limited_content"})


class ThirdParty(Rule):
    """Collecting from, or through, a third party who does not owe the debt.

    Collection must not be directed at anyone other than the debtor (and a guarantor). A
    contact person may only be asked to pass on a message, and only when the debtor cannot
    be reached (flag `lost_contact`): kinds `location_inquiry` or `limited_content`. The
    message itself must not disclose the debt (CN.CCM.THIRD_PARTY_DISCLOSURE).

    **Anti-pattern**: "爆通讯录" — calling every contact in the debtor's phone book.

    **Best practice**: only when the debtor is unreachable, ask one emergency contact to
    pass on a call-back request.
    """

    id = "CN.CCM.THIRD_PARTY"
    citation = CCM_68
    jurisdiction = "CN"
    title = "No collection from third parties"

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if ctx.to_party != "third_party":
            return None
        if ctx.action.kind not in MESSAGE_KINDS:
            return Finding(f"{ctx.action.kind} addressed to a third party")
        if "lost_contact" not in ctx.flags:
            return Finding("third party contacted although the debtor is reachable (no lost_contact flag)")
        return None


RULE = ThirdParty()
