"""US.REGF.TIME_BARRED_SUIT: no threat of suit on a time-barred debt."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import Finding, Rule
from engine.compliance.content import find
from engine.compliance.context import Context
from engine.compliance.disclosure import without_statutory_notices


class TimeBarredSuit(Rule):
    """Suing, or threatening to sue, on a time-barred debt.

    A collector must not bring or threaten to bring a legal action to collect a debt whose
    statute of limitations has expired (account flag `time_barred`). Refused: a
    `legal_notice`, and any text that mentions suing ("sue", "lawsuit", "legal action",
    "起诉", "诉讼"…). The sentences of the states' time-barred notices ("The law limits how
    long you can be sued on a debt. Because of the age of your debt, … cannot sue you for
    it.", US.CA.TIME_BARRED_DISCLOSURE) say the opposite of a threat and are not read as one.

    **Anti-pattern**: the standard pre-litigation letter sent to the whole late-stage
    portfolio, old debts included.

    **Best practice**: exclude `time_barred` accounts from the legal-warning stage.
    """

    id = "US.REGF.TIME_BARRED_SUIT"
    citation = "12 CFR 1006.26(b)"
    jurisdiction = "US"
    title = "No suit threats on time-barred debt"

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if "time_barred" not in ctx.flags:
            return None
        if ctx.action.kind == "legal_notice":
            return Finding("legal notice on a time-barred debt")
        word = find("suit", without_statutory_notices(ctx.action.text or ""))
        if word:
            return Finding(f"text threatens suit ({word!r}) on a time-barred debt")
        return None


RULE = TimeBarredSuit()
