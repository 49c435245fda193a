"""UK.CONC.CONTACT_TIMES: no contact at unreasonable hours or against stated preferences."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import Finding, Param, Rule
from engine.compliance.context import CALL_CHANNELS, Context
from engine.compliance.timeutil import Window, allowed_everywhere, fmt_minutes, minutes, next_inside


class ContactTimes(Rule):
    """Contact at an unreasonable hour, or a call at a time the customer said not to call.

    Firms must not contact customers at unreasonable times and should respect how and when
    a customer asked to be contacted. Arrears treats 08:00–21:00 UK time (Europe/London
    unless the account says otherwise) as reasonable for every channel but letters. For
    calls it also honours `contact_preferences`: `no_calls_before`, `no_calls_after` and, if
    given, `agreed_hours` (calls only inside them).

    **Anti-pattern**: an 07:30 call to a shift worker who asked for calls after 18:00.

    **Best practice**: record preferences on the account and let `next_allowed_at` find the
    next reasonable time.
    """

    id = "UK.CONC.CONTACT_TIMES"
    citation = "FCA CONC 7.9.4R"
    jurisdiction = "UK"
    title = "Reasonable times and contact preferences"
    time_of_day = True
    params = (
        Param("earliest", str, "08:00", "later", "first reasonable local time"),
        Param("latest", str, "21:00", "earlier", "local time from which contact is unreasonable"),
    )

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if ctx.action.channel == "letter":
            return None
        start, end = minutes(p["earliest"]), minutes(p["latest"])
        prefs = ctx.account.contact_preferences
        if prefs and ctx.action.channel in CALL_CHANNELS:
            if prefs.no_calls_before:
                start = max(start, minutes(prefs.no_calls_before))
            if prefs.no_calls_after:
                end = min(end, minutes(prefs.no_calls_after))
            if prefs.agreed_hours:
                start = max(start, minutes(prefs.agreed_hours[0]))
                end = min(end, minutes(prefs.agreed_hours[1]))
        windows: list[Window] = [(start, end)] if start < end else []
        if windows and allowed_everywhere(ctx.action.at, ctx.zones, windows):
            return None
        local = ctx.action.at.astimezone(ctx.home).strftime("%H:%M")
        if not windows:
            return Finding("the customer's stated preferences leave no reasonable time for calls")
        span = f"{fmt_minutes(start)}–{fmt_minutes(end)}"
        return Finding(f"{local} local is outside {span}", next_inside(ctx.action.at, ctx.zones, windows))


RULE = ContactTimes()
