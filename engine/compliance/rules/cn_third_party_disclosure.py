"""CN.CCM.THIRD_PARTY_DISCLOSURE: never disclose the debt to a third party."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import ContentRule, Finding
from engine.compliance.content import find
from engine.compliance.rules._sources import CCM_68, PIPL_10, PIPL_13, PIPL_25


class ThirdPartyDisclosure(ContentRule):
    """Text to a third party that reveals the debt.

    A message a contact person is asked to pass on may say who to call back, never that
    there is a debt, how much, or that it is overdue (personal-information protection as
    well as the collection rules). The text is searched for debt words in Chinese and
    English ("欠款", "逾期", "催收", "debt", "overdue"…).

    **Anti-pattern**: "请转告张三，他的信用卡欠款已逾期90天。"

    **Best practice**: "请转告张三尽快回电 400-000-0000。"
    """

    id = "CN.CCM.THIRD_PARTY_DISCLOSURE"
    citation = f"{CCM_68}; {PIPL_10}、{PIPL_13}、{PIPL_25}"
    jurisdiction = "CN"
    title = "No debt disclosure to third parties"

    def check_text(self, action: Any, text: str, p: Mapping[str, Any]) -> Finding | None:
        if action.party != "third_party":
            return None
        word = find("debt", text)
        return Finding(f"text to a third party reveals the debt ({word!r})") if word else None


RULE = ThirdPartyDisclosure()
