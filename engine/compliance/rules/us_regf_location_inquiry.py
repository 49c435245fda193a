"""US.REGF.LOCATION_INQUIRY: one location inquiry per third party unless asked again."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import Finding, Param, Rule
from engine.compliance.context import Context


class LocationInquiry(Rule):
    """A repeated location inquiry to the same third party.

    A collector seeking location information may contact a third party only once, unless
    that person asks to be contacted again (an inbound contact from them, or a recorded
    `consent_until`, after the last inquiry) — counted per person (`to`) across all of the
    debtor's accounts in the history.

    **Anti-pattern**: calling the debtor's employer every week "in case he is back".

    **Best practice**: one inquiry per person; record any request to call back.
    """

    id = "US.REGF.LOCATION_INQUIRY"
    citation = "12 CFR 1006.10(c); 15 U.S.C. 1692b(3)"
    jurisdiction = "US"
    title = "Location inquiries: once per person"
    params = (Param("max_per_person", int, 1, "lower", "inquiries to one third party"),)

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if ctx.to_party != "third_party" or ctx.action.kind != "location_inquiry" or not ctx.action.to:
            return None
        target = ctx.action.to
        inquiries = 0
        for entry in ctx.before:
            if entry.to != target or entry.party != "third_party":
                continue
            if entry.direction == "inbound" or entry.consent_until is not None:
                inquiries = 0  # they asked to be contacted again
            elif entry.kind in (None, "location_inquiry"):
                inquiries += 1
        if inquiries >= p["max_per_person"]:
            return Finding(f"{inquiries} earlier location inquiry to this person, who has not asked for more")
        return None


RULE = LocationInquiry()
