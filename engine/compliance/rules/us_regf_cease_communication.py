"""US.REGF.CEASE_COMMUNICATION: after a cease request, only closure and remedy notices."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import Finding, Rule
from engine.compliance.context import Context

ALLOWED = frozenset({"closure_notice", "legal_notice"})


class CeaseCommunication(Rule):
    """Communicating after the consumer asked the collector to cease communication.

    Once a consumer notifies in writing that they refuse to pay or want communication to
    stop (flag `cease_communication`), the collector may only tell them that efforts are
    being terminated, or that it may invoke or intends to invoke a specified remedy. Only
    `closure_notice` and `legal_notice` actions pass; waiting does not help, so
    `next_allowed_at` is null.

    **Anti-pattern**: a "we are sorry to see you go — pay now for 20 % off" e-mail after a
    cease letter.

    **Best practice**: one closure notice, then route the account to legal review or close it.
    """

    id = "US.REGF.CEASE_COMMUNICATION"
    citation = "12 CFR 1006.6(c)(1); 15 U.S.C. 1692c(c)"
    jurisdiction = "US"
    title = "Cease communication"

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if "cease_communication" in ctx.flags and ctx.action.kind not in ALLOWED:
            return Finding(f"the consumer asked to cease communication; {ctx.action.kind} is not a closure notice")
        return None


RULE = CeaseCommunication()
