"""CN.CBA.NEW_BORROWING: never push the debtor to borrow to repay."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import ContentRule, Finding
from engine.compliance.content import find
from engine.compliance.rules._sources import CBA, CCM_68, GBT


class NewBorrowing(ContentRule):
    """Urging the debtor to borrow elsewhere, cash out a card or take an online loan to repay.

    Collection must not induce the debtor to take new loans, cash out credit cards or
    "以贷养贷" (borrow to repay borrowing). Patterns in Chinese and English.

    **Anti-pattern**: "实在没钱可以先去网贷借点还上。"

    **Best practice**: offer an instalment plan within the strategy's limits (D4).
    """

    id = "CN.CBA.NEW_BORROWING"
    citation = f"{CCM_68}; {CBA}; {GBT}"
    jurisdiction = "CN"
    title = "No pushing new borrowing"

    def check_text(self, action: Any, text: str, p: Mapping[str, Any]) -> Finding | None:
        phrase = find("borrowing", text)
        return Finding(f"text urges new borrowing: {phrase!r}") if phrase else None


RULE = NewBorrowing()
