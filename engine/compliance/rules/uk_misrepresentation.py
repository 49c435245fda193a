"""UK.CONC.MISREPRESENTATION: no threats, insults, or misrepresented authority."""

from __future__ import annotations

from engine.compliance.base import PhraseRule


class Misrepresentation(PhraseRule):
    """Threatening, insulting, or misrepresenting authority or the legal position.

    Firms must not use threatening or oppressive behaviour and must not misrepresent their
    authority or the legal position, e.g. by implying they act for a court or the police or
    that non-payment is a crime. Patterns in English and Chinese.

    **Anti-pattern**: "Bailiffs are on their way; you may be arrested."

    **Best practice**: describe the next lawful step (e.g. a county court claim) accurately.
    """

    id = "UK.CONC.MISREPRESENTATION"
    citation = "FCA CONC 7.11.1R, 7.11.6R"
    jurisdiction = "UK"
    title = "No threats or misrepresented authority"

    categories = (
        "impersonation", "arrest", "false_consequence", "violence", "intimidation", "expose", "visit", "insult"
    )  # fmt: skip


RULE = Misrepresentation()
