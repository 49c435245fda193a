"""US.REGF.OPTED_OUT_CHANNEL: no more e-mail or text after the consumer opted out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import Finding, Rule
from engine.compliance.context import Context

FLAG_OF_CHANNEL = {"email": "opted_out_email", "sms": "opted_out_sms", "messaging": "opted_out_sms"}


class OptedOutChannel(Rule):
    """An e-mail or text message to a consumer who opted out of that medium.

    Once a consumer uses the opt-out a collector offered, further electronic communications
    through that medium are forbidden. The account flags `opted_out_email` and
    `opted_out_sms` record it; messaging apps are treated like text messages.

    **Anti-pattern**: a channel-switching strategy that falls back to SMS after calls fail,
    without looking at the opt-out flag.

    **Best practice**: when the flag is set, switch to a letter or a call within the
    frequency limits.
    """

    id = "US.REGF.OPTED_OUT_CHANNEL"
    citation = "12 CFR 1006.6(e)"
    jurisdiction = "US"
    title = "Respect electronic opt-outs"

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        flag = FLAG_OF_CHANNEL.get(ctx.action.channel)
        if flag and flag in ctx.flags:
            return Finding(f"the consumer opted out of {ctx.action.channel} ({flag})")
        return None


RULE = OptedOutChannel()
