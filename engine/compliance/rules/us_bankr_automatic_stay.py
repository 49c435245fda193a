"""US.BANKR.AUTOMATIC_STAY: no collection from a debtor in bankruptcy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import Finding, Rule
from engine.compliance.context import Context


class AutomaticStay(Rule):
    """Any act to collect from a debtor under the bankruptcy automatic stay.

    Filing a bankruptcy petition stays every act to collect a pre-petition debt. While flag
    `bankrupt` is set, only a `closure_notice` passes.

    **Anti-pattern**: a reminder SMS sent the week after the bankruptcy notice arrived.

    **Best practice**: flag `bankrupt` on receipt of the notice and route the account to legal.
    """

    id = "US.BANKR.AUTOMATIC_STAY"
    citation = "11 U.S.C. 362(a)(6)"
    jurisdiction = "US"
    title = "Bankruptcy automatic stay"

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if "bankrupt" in ctx.flags and ctx.action.kind != "closure_notice":
            return Finding("the debtor is in bankruptcy (automatic stay)")
        return None


RULE = AutomaticStay()
