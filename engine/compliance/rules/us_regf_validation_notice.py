"""US.REGF.VALIDATION_NOTICE: validation information within 5 days of the first communication."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import Finding, Param, Rule
from engine.compliance.context import NOT_PLACED, Context


class ValidationNotice(Rule):
    """Continuing to collect when no validation notice followed the first communication in time.

    A collector must provide the validation information in the initial communication or
    within five days after it. If the history of this debt has an outbound communication to
    the consumer more than five days ago and no `validation_notice`, every further action but
    the validation notice itself is refused until one is sent.

    **Anti-pattern**: a first reminder call in week one, the validation letter batched for
    the end of the month.

    **Best practice**: send the validation notice with, or right after, the first contact.
    """

    id = "US.REGF.VALIDATION_NOTICE"
    citation = "12 CFR 1006.34(a)(1); 15 U.S.C. 1692g(a)"
    jurisdiction = "US"
    title = "Validation notice within 5 days"
    params = (Param("within_days", int, 5, "lower", "days after the initial communication"),)

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if ctx.action.kind == "validation_notice":
            return None
        first = None
        for entry in ctx.own:
            if entry.kind == "validation_notice":
                return None
            if (
                first is None
                and entry.direction == "outbound"
                and entry.party == "debtor"
                and entry.outcome not in NOT_PLACED
            ):
                first = entry
        if first is None:
            return None
        elapsed = (ctx.today - ctx.day(first.at)).days
        if elapsed > p["within_days"]:
            return Finding(
                f"no validation notice within {p['within_days']} days of the first communication "
                f"on {ctx.day(first.at).isoformat()}"
            )
        return None


RULE = ValidationNotice()
