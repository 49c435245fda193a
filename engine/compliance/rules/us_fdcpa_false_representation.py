"""US.FDCPA.FALSE_REPRESENTATION: no posing as government or courts, no arrest threats."""

from __future__ import annotations

from engine.compliance.base import PhraseRule


class FalseRepresentation(PhraseRule):
    """Impersonating a court, the police or a government agency; threatening arrest.

    False, deceptive or misleading representations are forbidden, among them implying
    affiliation with the United States or a State, or that non-payment will lead to arrest
    or imprisonment. The text is searched for impersonation and arrest phrases in English
    and Chinese.

    **Anti-pattern**: "This is the sheriff's office; a warrant has been issued."

    **Best practice**: name the collector and the creditor truthfully in every message.
    """

    id = "US.FDCPA.FALSE_REPRESENTATION"
    citation = "15 U.S.C. 1692e(1), (4); 12 CFR 1006.18"
    jurisdiction = "US"
    title = "No impersonation or arrest threats"

    categories = ("impersonation", "arrest", "false_consequence")


RULE = FalseRepresentation()
