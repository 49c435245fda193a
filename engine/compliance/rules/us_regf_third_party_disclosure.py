"""US.REGF.THIRD_PARTY_DISCLOSURE: no text that reveals the debt where others may read or hear it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import ContentRule, Finding
from engine.compliance.content import find

DISCREET_KINDS = frozenset({"location_inquiry", "limited_content"})


class ThirdPartyDisclosure(ContentRule):
    """Text that mentions the debt in a message a third party may receive.

    Messages to third parties, location inquiries (1006.10(b)(2): never state that the
    consumer owes a debt), limited-content messages and voicemails must not reveal that a
    debt exists. The text is searched for debt words in English and Chinese ("debt",
    "owe", "overdue", "collection", "欠款", "逾期", "催收"…).

    **Anti-pattern**: a location inquiry reading "We are trying to reach John about his
    overdue account".

    **Best practice**: "We are trying to reach John Doe; please ask him to call 555-0100."
    """

    id = "US.REGF.THIRD_PARTY_DISCLOSURE"
    citation = "15 U.S.C. 1692c(b); 12 CFR 1006.6(d)(1), 1006.10(b)(2)"
    jurisdiction = "US"
    title = "No debt disclosure to third parties"

    def check_text(self, action: Any, text: str, p: Mapping[str, Any]) -> Finding | None:
        exposed = action.party == "third_party" or action.channel == "voicemail" or action.kind in DISCREET_KINDS
        if not exposed:
            return None
        word = find("debt", text)
        if word:
            return Finding(f"text reveals the debt ({word!r}) in a {action.kind} a third party may receive")
        return None


RULE = ThirdPartyDisclosure()
