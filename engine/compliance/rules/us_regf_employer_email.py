"""US.REGF.EMPLOYER_EMAIL: no e-mail to a known employer-provided address without consent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import Finding, Rule
from engine.compliance.context import Context


class EmployerEmail(Rule):
    """An e-mail to an address the collector knows the employer provided.

    A collector must not communicate with a consumer through an e-mail address it knows or
    should know is provided by the consumer's employer, unless the consumer consented to its
    use (or used it to write to the collector). The account's `emails` list marks such
    addresses with `employer_provided`; `consented` lifts the ban.

    **Anti-pattern**: e-mailing every address found by skip tracing, including a work
    address the debtor's colleagues or IT department may read.

    **Best practice**: use a personal address; ask for consent before using a work one.
    """

    id = "US.REGF.EMPLOYER_EMAIL"
    citation = "12 CFR 1006.22(f)(3)"
    jurisdiction = "US"
    title = "No e-mail to employer-provided addresses"

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if ctx.action.channel != "email" or not ctx.action.to:
            return None
        wanted = ctx.action.to.strip().lower()
        for email in ctx.account.emails:
            if email.address.strip().lower() == wanted and email.employer_provided and not email.consented:
                return Finding("e-mail address is employer-provided and the consumer did not consent")
        return None


RULE = EmployerEmail()
