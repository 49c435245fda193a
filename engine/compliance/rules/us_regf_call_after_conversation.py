"""US.REGF.CALL_AFTER_CONVERSATION: no call within 7 days after a telephone conversation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from engine.compliance.base import Finding, Param, Rule
from engine.compliance.context import Context
from engine.compliance.frequency import CONSENT_DAYS
from engine.compliance.timeutil import start_of_local_day


class CallAfterConversation(Rule):
    """A call within seven consecutive days after a telephone conversation about the debt.

    Regulation F presumes harassment when a collector calls a person about a debt within
    seven consecutive days after having had a telephone conversation with that person about
    it. The day of the conversation is day 1, so calls may resume on day 8. A conversation
    is a history entry with outcome `conversation`, inbound or outbound. Calls the consumer
    directly consented to within the last seven days are exempt (1006.14(b)(3)(i)).

    **Anti-pattern**: calling back the next morning "to follow up" on a promise made on
    yesterday's call.

    **Best practice**: follow up in writing, or ask for and record the consumer's consent to
    a call-back (`consent_until`).
    """

    id = "US.REGF.CALL_AFTER_CONVERSATION"
    citation = "12 CFR 1006.14(b)(2)(i)(B)"
    jurisdiction = "US"
    title = "No call within 7 days after a conversation"
    params = (Param("window_days", int, 7, "higher", "days, counting the conversation day as day 1"),)

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if not ctx.is_call or ctx.to_party != "debtor" or not ctx.conversations:
            return None
        if ctx.consented(ctx.action.at, CONSENT_DAYS):
            return None
        window = p["window_days"]
        last = ctx.day(ctx.conversations[-1].at)
        day_number = (ctx.today - last).days + 1
        if day_number > window:
            return None
        retry = start_of_local_day(last + timedelta(days=window), ctx.home)
        return Finding(
            f"day {day_number} after a telephone conversation on {last.isoformat()} (calls resume on day {window + 1})",
            retry,
        )


RULE = CallAfterConversation()
