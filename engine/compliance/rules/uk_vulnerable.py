"""UK.CONC.VULNERABLE: no automated calls or legal pressure on vulnerable customers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import Finding, Param, Rule
from engine.compliance.context import Context


class Vulnerable(Rule):
    """Automated or escalated treatment of a customer known to be vulnerable.

    Firms must have and follow policies for the fair treatment of customers they know or
    suspect to be particularly vulnerable. Arrears encodes the policy as: with flag
    `vulnerable`, no action on the `blocked_channels` (default: robot calls) and none of the
    `blocked_kinds` (default: legal notices) — a person handles the account. Playbooks may
    add channels or kinds, never remove them.

    **Anti-pattern**: a voice robot reading a legal warning to a customer who told the
    agent about a recent bereavement.

    **Best practice**: route `vulnerable` accounts to a trained collector.
    """

    id = "UK.CONC.VULNERABLE"
    citation = "FCA CONC 7.2.1R"
    jurisdiction = "UK"
    title = "Vulnerable customers"
    params = (
        Param("blocked_channels", list, ["robot_call"], "superset", "channels never used"),
        Param("blocked_kinds", list, ["legal_notice"], "superset", "action kinds never used"),
    )

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if "vulnerable" not in ctx.flags:
            return None
        if ctx.action.channel in p["blocked_channels"]:
            return Finding(f"{ctx.action.channel} to a vulnerable customer")
        if ctx.action.kind in p["blocked_kinds"]:
            return Finding(f"{ctx.action.kind} to a vulnerable customer")
        return None


RULE = Vulnerable()
