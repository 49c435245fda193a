"""UK.BSR.BREATHING_SPACE: no payment demands or enforcement during a breathing space."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from engine.compliance.base import Finding, Param, Rule
from engine.compliance.context import Context
from engine.compliance.timeutil import start_of_local_day

ALLOWED = frozenset({"reply_to_debtor", "closure_notice", "validation_notice"})


class BreathingSpace(Rule):
    """Demanding payment or enforcing during a breathing space.

    Under the Debt Respite Scheme a creditor must not contact the debtor to request payment
    or take enforcement action while a moratorium runs. A *standard* breathing space lasts
    60 days from its start (day 1 = `start`; allowed again on day 61); a *mental-health
    crisis* breathing space lasts for the crisis treatment and 30 days after it ends (`end`
    = the last day of treatment; allowed again on end + 31; while `end` is null it has no
    known end). For a standard space an earlier `end` (cancellation) shortens it. Replies to
    the debtor's own questions and legally required notices (`reply_to_debtor`,
    `closure_notice`, `validation_notice`) are allowed.

    **Anti-pattern**: the monthly arrears letter generated for every account, moratoria
    included.

    **Best practice**: keep `breathing_space` current from the Insolvency Service
    notification, and let the gate reschedule demands to the day after it ends.
    """

    id = "UK.BSR.BREATHING_SPACE"
    citation = "SI 2020/1311 (Debt Respite Scheme) regs. 7, 26, 32"
    jurisdiction = "UK"
    title = "Breathing space moratorium"
    params = (
        Param("standard_days", int, 60, "higher", "length of a standard breathing space"),
        Param("mental_health_extra_days", int, 30, "higher", "days after crisis treatment ends"),
    )

    def last_day(self, ctx: Context, p: Mapping[str, Any]) -> date | None:
        """The last day of the moratorium, or None if it has no known end."""
        space = ctx.account.breathing_space
        assert space is not None
        return space.last_day(p["standard_days"], p["mental_health_extra_days"])

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        space = ctx.account.breathing_space
        if space is None or ctx.action.kind in ALLOWED or ctx.today < space.start:
            return None
        last = self.last_day(ctx, p)
        if last is not None and ctx.today > last:
            return None
        day_number = (ctx.today - space.start).days + 1
        until = f"until {last.isoformat()}" if last else "with no end date yet"
        retry = start_of_local_day(last + timedelta(days=1), ctx.home) if last else None
        return Finding(f"day {day_number} of a {space.kind} breathing space ({until})", retry)


RULE = BreathingSpace()
