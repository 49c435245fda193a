"""CN.CBA.APPROVED_AGENCY: only agencies on the lender's approved list may collect."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import Finding, Param, Rule
from engine.compliance.context import Context
from engine.compliance.rules._sources import CBA, PIPL_21

PREFIX = "agency:"


class ApprovedAgency(Rule):
    """An action performed by a collection agency that is not on the approved list.

    Lenders must select, approve and supervise outsourced collection agencies and may only
    hand accounts to approved ones. An action's `by` of the form `agency:ID` names an
    agency; `ID` must be in `approved_agencies`. The list is the lender's to keep (the law
    requires one, not its contents), so a playbook sets it freely; the default, empty,
    approves no agency.

    **Anti-pattern**: an overflow queue shared with a subcontractor nobody vetted.

    **Best practice**: keep the approved list in the playbook under review, next to the
    assignment rules that use it.
    """

    id = "CN.CBA.APPROVED_AGENCY"
    citation = f"{PIPL_21}; {CBA}"
    jurisdiction = "CN"
    title = "Approved agencies only"
    params = (Param("approved_agencies", list, [], "operator", "ids of approved collection agencies"),)

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        by = ctx.action.by or ""
        if not by.startswith(PREFIX):
            return None
        agency = by[len(PREFIX) :]
        if agency in p["approved_agencies"]:
            return None
        return Finding(f"agency {agency!r} is not on the approved list")


RULE = ApprovedAgency()
