"""CN.CCM.ABUSIVE_CONTENT: no threats, insults or violence."""

from __future__ import annotations

from engine.compliance.base import PhraseRule
from engine.compliance.rules._sources import CCM_68, CIVIL_1024, GBT


class AbusiveContent(PhraseRule):
    """Threats, intimidation, insults or violence in a collection message.

    Collection by violence, threats, intimidation, insult, defamation or harassment is
    forbidden. The text is searched for threat and insult phrases in Chinese and English
    ("后果自负", "爆通讯录", "老赖", "骗子", "we know where you live"…).

    **Anti-pattern**: "老赖，再不还钱就通知你所有联系人！"

    **Best practice**: state the amount, the due date and the lawful consequences (credit
    reporting, litigation) without insult or threat.
    """

    id = "CN.CCM.ABUSIVE_CONTENT"
    citation = f"{CCM_68}; {CIVIL_1024}; {GBT}"
    jurisdiction = "CN"
    title = "No threats or insults"

    categories = ("violence", "intimidation", "expose", "visit", "false_consequence", "insult")


RULE = AbusiveContent()
