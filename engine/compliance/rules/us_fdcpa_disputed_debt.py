"""US.FDCPA.DISPUTED_DEBT: collection pauses while a timely dispute awaits verification."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import Finding, Rule
from engine.compliance.context import Context

ALLOWED = frozenset({"validation_notice", "closure_notice", "reply_to_debtor"})


class DisputedDebt(Rule):
    """Collecting on a debt disputed within the validation period, before verification.

    If the consumer disputes the debt in writing within the validation period, the collector
    must cease collection until it mails verification. While flag `disputed` is set only the
    verification (`validation_notice`), a `closure_notice` or a `reply_to_debtor` pass.

    **Anti-pattern**: the dispute is logged by customer service while the dialer keeps calling.

    **Best practice**: set `disputed` the moment a dispute arrives; clear it when the
    verification has been mailed.
    """

    id = "US.FDCPA.DISPUTED_DEBT"
    citation = "15 U.S.C. 1692g(b); 12 CFR 1006.34(c)(3)"
    jurisdiction = "US"
    title = "Disputed debt: pause until verified"

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if "disputed" in ctx.flags and ctx.action.kind not in ALLOWED:
            return Finding(f"debt disputed and not yet verified; {ctx.action.kind} is collection")
        return None


RULE = DisputedDebt()
