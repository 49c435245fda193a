"""US.FDCPA.HARASSMENT: no threats of violence, no obscene or abusive language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import ContentRule, Finding
from engine.compliance.content import find


class Harassment(ContentRule):
    """Threats of violence or harm, obscene, profane or abusive language.

    Harassment, oppression or abuse in collecting a debt is forbidden, in particular threats
    of violence or other criminal means to harm the person, their reputation or property,
    and obscene, profane or abusive language. The text is searched for threat and insult
    phrases in English and Chinese.

    **Anti-pattern**: "We know where you live. Pay today or you'll regret it."

    **Best practice**: state the facts, the amount, the options and the deadline — firmly,
    without threats.
    """

    id = "US.FDCPA.HARASSMENT"
    citation = "15 U.S.C. 1692d(1)-(2); 12 CFR 1006.14(b)(1)"
    jurisdiction = "US"
    title = "No threats or abusive language"

    def check_text(self, action: Any, text: str, p: Mapping[str, Any]) -> Finding | None:
        for category in ("threat", "insult"):
            phrase = find(category, text)
            if phrase:
                return Finding(f"{category} in text: {phrase!r}")
        return None


RULE = Harassment()
