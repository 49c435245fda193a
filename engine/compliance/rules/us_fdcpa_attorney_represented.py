"""US.FDCPA.ATTORNEY_REPRESENTED: a represented consumer is contacted through the attorney."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import Finding, Rule
from engine.compliance.context import Context


class AttorneyRepresented(Rule):
    """Contacting a consumer the collector knows is represented by an attorney.

    When the collector knows the consumer has an attorney for the debt (flag
    `attorney_represented`) it must communicate with the attorney, not the consumer. An
    action passes only when `to` is a phone of the account whose `relation` is `attorney`.

    **Anti-pattern**: the robot dialer keeps calling the consumer after the attorney's letter.

    **Best practice**: route represented accounts to the attorney's number, or to legal.
    """

    id = "US.FDCPA.ATTORNEY_REPRESENTED"
    citation = "15 U.S.C. 1692c(a)(2); 12 CFR 1006.6(b)(2)"
    jurisdiction = "US"
    title = "Attorney-represented consumers"

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if "attorney_represented" in ctx.flags and ctx.to_relation != "attorney":
            return Finding("the consumer is represented by an attorney; contact the attorney only")
        return None


RULE = AttorneyRepresented()
