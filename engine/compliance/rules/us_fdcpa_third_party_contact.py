"""US.FDCPA.THIRD_PARTY_CONTACT: third parties only for location inquiries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import Finding, Rule
from engine.compliance.context import Context


class ThirdPartyContact(Rule):
    """Communicating with a third party about the debt for anything but the consumer's location.

    Without the consumer's consent a collector may not communicate about a debt with anyone
    but the consumer, the consumer's attorney, a credit bureau, the creditor and their
    attorneys. The one exception is acquiring location information (1006.10). An action
    reaches a third party when its `party` says so or its `to` is a phone whose owner is
    `third_party`; a phone whose `relation` is `attorney` is the consumer's attorney.

    **Anti-pattern**: asking the debtor's sister to "remind him to pay".

    **Best practice**: third parties get `location_inquiry` actions only, and those say
    nothing about a debt.
    """

    id = "US.FDCPA.THIRD_PARTY_CONTACT"
    citation = "15 U.S.C. 1692c(b); 12 CFR 1006.6(d)(1)"
    jurisdiction = "US"
    title = "Third parties: location inquiries only"

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if ctx.to_party != "third_party" or ctx.to_relation == "attorney":
            return None
        if ctx.action.kind != "location_inquiry":
            return Finding(f"{ctx.action.kind} to a third party; only location inquiries are allowed")
        return None


RULE = ThirdPartyContact()
