"""US.REGF.INCONVENIENT_TIME: no communication before 08:00 or from 21:00 local time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import Finding, Param, Rule
from engine.compliance.context import Context
from engine.compliance.timeutil import local_minutes, minutes, next_inside


class InconvenientTime(Rule):
    """A communication before 08:00 or at or after 21:00 at the consumer's location.

    Regulation F treats those hours as inconvenient unless the collector knows otherwise.
    When the location is unknown or conflicting, the time must be convenient in *every*
    zone the consumer may be in: the account's `timezone`, else each of
    `possible_timezones`, else all US zones from Hawaii to Eastern. Letters are exempt
    (their delivery time is not the sender's to choose). Exactly 08:00 is allowed,
    exactly 21:00 is not.

    **Anti-pattern**: scheduling the whole portfolio at 08:00 Eastern, which is 05:00 in
    California.

    **Best practice**: schedule in the debtor's zone and let `next_allowed_at` pick the
    first minute that is convenient everywhere.
    """

    id = "US.REGF.INCONVENIENT_TIME"
    citation = "12 CFR 1006.6(b)(1)(i)"
    jurisdiction = "US"
    title = "Inconvenient times"
    time_of_day = True
    params = (
        Param("earliest", str, "08:00", "later", "first convenient local time"),
        Param("latest", str, "21:00", "earlier", "local time from which it is inconvenient again"),
    )

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if ctx.action.channel == "letter":
            return None
        start, end = minutes(p["earliest"]), minutes(p["latest"])
        for tz in ctx.zones:
            local = local_minutes(ctx.action.at, tz)
            if not start <= local < end:
                when = ctx.action.at.astimezone(tz).strftime("%H:%M")
                return Finding(
                    f"{when} in {tz.key} is outside {p['earliest']}–{p['latest']}",
                    next_inside(ctx.action.at, ctx.zones, [(start, end)]),
                )
        return None


RULE = InconvenientTime()
