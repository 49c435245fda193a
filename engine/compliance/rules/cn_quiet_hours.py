"""CN.CBA.QUIET_HOURS: no collection 22:00–08:00 local unless hours were agreed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compliance.base import Finding, Param, Rule
from engine.compliance.context import Context
from engine.compliance.rules._sources import CBA, CIVIL_1033, GBT
from engine.compliance.timeutil import Window, allowed_everywhere, fmt_minutes, minutes, next_inside


class QuietHours(Rule):
    """Collecting between 22:00 and 08:00 at the debtor's location.

    Chinese collection guidelines allow collection from 08:00 until 22:00 local time only,
    unless the debtor agreed other hours (`contact_preferences.agreed_hours`, which then
    also count as allowed). The debtor's zone defaults to Asia/Shanghai. Letters are exempt.
    Exactly 08:00 is allowed, exactly 22:00 is not.

    **Anti-pattern**: the agency's evening shift calling until 23:00 "because they answer then".

    **Best practice**: if the debtor prefers late calls, record the agreed hours first.
    """

    id = "CN.CBA.QUIET_HOURS"
    citation = f"{CIVIL_1033}; {CBA}; {GBT}"
    jurisdiction = "CN"
    title = "No collection 22:00–08:00"
    time_of_day = True
    params = (
        Param("earliest", str, "08:00", "later", "first local time collection may start"),
        Param("latest", str, "22:00", "earlier", "local time from which collection must stop"),
        Param("honour_agreed_hours", bool, True, "false", "agreed hours extend the window"),
    )

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if ctx.action.channel == "letter":
            return None
        windows: list[Window] = [(minutes(p["earliest"]), minutes(p["latest"]))]
        prefs = ctx.account.contact_preferences
        if p["honour_agreed_hours"] and prefs and prefs.agreed_hours:
            windows.append((minutes(prefs.agreed_hours[0]), minutes(prefs.agreed_hours[1])))
        if allowed_everywhere(ctx.action.at, ctx.zones, windows):
            return None
        local = ctx.action.at.astimezone(ctx.home).strftime("%H:%M")
        span = ", ".join(f"{fmt_minutes(a)}–{fmt_minutes(b)}" for a, b in windows)
        return Finding(f"{local} local is outside {span}", next_inside(ctx.action.at, ctx.zones, windows))


RULE = QuietHours()
