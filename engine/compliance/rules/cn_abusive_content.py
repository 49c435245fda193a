"""CN.CCM.ABUSIVE_CONTENT: no threats, insults or violence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import ContentRule, Finding
from engine.compliance.content import find
from engine.compliance.rules._sources import CCM, GBT


class AbusiveContent(ContentRule):
    """Threats, intimidation, insults or violence in a collection message.

    Collection by violence, threats, intimidation, insult, defamation or harassment is
    forbidden. The text is searched for threat and insult phrases in Chinese and English
    ("后果自负", "爆通讯录", "老赖", "骗子", "we know where you live"…).

    **Anti-pattern**: "老赖，再不还钱就通知你所有联系人！"

    **Best practice**: state the amount, the due date and the lawful consequences (credit
    reporting, litigation) without insult or threat.
    """

    id = "CN.CCM.ABUSIVE_CONTENT"
    citation = f"{CCM}; {GBT}"
    jurisdiction = "CN"
    title = "No threats or insults"

    def check_text(self, action: Any, text: str, p: Mapping[str, Any]) -> Finding | None:
        for category in ("threat", "insult"):
            phrase = find(category, text)
            if phrase:
                return Finding(f"{category} in text: {phrase!r}")
        return None


RULE = AbusiveContent()
