"""US.FDCPA.HARASSMENT: no threats of violence, no obscene or abusive language."""

from __future__ import annotations

from engine.compliance.base import PhraseRule


class Harassment(PhraseRule):
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

    categories = ("violence", "intimidation", "expose", "visit", "insult")


RULE = Harassment()
