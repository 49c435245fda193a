"""CN.CBA.UNANSWERED_PER_NUMBER: at most 6 unanswered attempts a day to one number."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from engine.compliance.base import Finding, Param, Rule
from engine.compliance.context import CALL_CHANNELS, CONNECTED, Context
from engine.compliance.rules._sources import CBA, CIVIL_1033, GBT
from engine.compliance.timeutil import start_of_local_day


class UnansweredPerNumber(Rule):
    """A seventh unanswered call attempt to the same number on one day.

    Repeated ringing is harassment even when nobody answers: at most six unanswered
    attempts a day to one number (`to`; a missing `to` counts as the debtor's default
    number). Every outbound call whose outcome is not `connected` or `conversation` counts.

    **Anti-pattern**: auto-redial every ten minutes until the phone is picked up.

    **Best practice**: after a few unanswered attempts switch channel (SMS, e-mail) for the day.
    """

    id = "CN.CBA.UNANSWERED_PER_NUMBER"
    citation = f"{CIVIL_1033}; {GBT}; {CBA}"
    jurisdiction = "CN"
    title = "At most 6 unanswered attempts a day per number"
    params = (Param("max_unanswered", int, 6, "lower", "unanswered attempts per number per day"),)

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if not ctx.is_call:
            return None
        today, target = ctx.today, ctx.action.to
        count = sum(
            1
            for e in ctx.before
            if e.direction == "outbound"
            and e.channel in CALL_CHANNELS
            and e.to == target
            and e.outcome not in CONNECTED
            and ctx.day(e.at) == today
        )
        if count < p["max_unanswered"]:
            return None
        return Finding(
            f"{count} unanswered attempts to this number today (limit {p['max_unanswered']})",
            start_of_local_day(today + timedelta(days=1), ctx.home),
        )


RULE = UnansweredPerNumber()
