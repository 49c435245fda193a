"""CN.CBA.CONNECTED_CALLS_PER_DAY: at most 3 connected calls a day per debtor."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from engine.compliance.base import Finding, Param, Rule
from engine.compliance.context import CALL_CHANNELS, CONNECTED, Context
from engine.compliance.rules._sources import CBA, CIVIL_1033, GBT
from engine.compliance.timeutil import start_of_local_day


class ConnectedCallsPerDay(Rule):
    """A fourth connected call to the same debtor on one day.

    At most three connected collection calls a day per debtor, counted across the lender
    and every agency and across all the debtor's accounts: pass the debtor's whole history
    (entries of other accounts count here, though not for per-debt US rules). A call is
    connected when its outcome is `connected` or `conversation`. Days are local calendar
    days; the next call may be placed from local midnight.

    **Anti-pattern**: the lender's team and two agencies each calling the same debtor three
    times a day.

    **Best practice**: share one contact log across lender and agencies and let the gate count.
    """

    id = "CN.CBA.CONNECTED_CALLS_PER_DAY"
    citation = f"{CIVIL_1033}; {GBT}; {CBA}"
    jurisdiction = "CN"
    title = "At most 3 connected calls a day"
    params = (Param("max_connected", int, 3, "lower", "connected calls per debtor per day"),)

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if not ctx.is_call or ctx.to_party != "debtor":
            return None
        today = ctx.today
        count = sum(
            1
            for e in ctx.before
            if e.direction == "outbound"
            and e.party == "debtor"
            and e.channel in CALL_CHANNELS
            and e.outcome in CONNECTED
            and ctx.day(e.at) == today
        )
        if count < p["max_connected"]:
            return None
        return Finding(
            f"{count} connected calls to this debtor today (limit {p['max_connected']})",
            start_of_local_day(today + timedelta(days=1), ctx.home),
        )


RULE = ConnectedCallsPerDay()
