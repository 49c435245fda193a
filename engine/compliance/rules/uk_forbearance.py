"""UK.CONC.FORBEARANCE: no pressure to pay in one lump sum or by borrowing."""

from __future__ import annotations

from engine.compliance.base import PhraseRule


class Forbearance(PhraseRule):
    """Pressing a customer in arrears to pay in one lump sum or to borrow to pay.

    Firms must treat customers in arrears with forbearance and due consideration, and must
    not pressurise them to pay in a single or a few unreasonably large repayments, or to
    raise the money by borrowing or increasing existing debt. The text is searched for
    lump-sum and borrowing phrases in English and Chinese.

    **Anti-pattern**: "Pay the full balance today — borrow from friends and family if you
    have to."

    **Best practice**: offer affordable instalments and point to free debt advice.
    """

    id = "UK.CONC.FORBEARANCE"
    citation = "FCA CONC 7.3.4R, 7.3.10R"
    jurisdiction = "UK"
    title = "Forbearance: no lump-sum or borrowing pressure"

    categories = ("lump_sum", "borrowing")
    reason = "{category} pressure in text: {phrase!r}"


RULE = Forbearance()
