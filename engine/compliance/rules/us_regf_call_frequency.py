"""US.REGF.CALL_FREQUENCY: at most 7 placed calls per debt within 7 consecutive days."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from engine.compliance.base import Finding, Param, Rule
from engine.compliance.context import Context
from engine.compliance.timeutil import start_of_local_day

CONSENT_DAYS = 7  # 1006.14(b)(3)(i): direct prior consent given within the last 7 days


class CallFrequency(Rule):
    """More than seven telephone calls about one debt within seven consecutive days.

    Regulation F presumes a collector harasses when it places telephone calls to a person
    about a particular debt more than seven times within seven consecutive days. A call
    that never connects (busy signal, out of service: outcome `busy` or `failed`) is not
    *placed*; a call that rings unanswered or reaches voicemail is. Calls made with the
    consumer's direct prior consent, given within the last seven days, are not counted
    (1006.14(b)(3)(i)): record it as `consent_until` on a history entry. Days are calendar
    days at the consumer's location; the count is per debt (`account_id`).

    **Anti-pattern**: a dialer campaign that retries every unanswered number three times a
    day until someone picks up.

    **Best practice**: let the gate refuse the eighth call and reschedule it to
    `next_allowed_at`, the first day on which the oldest call has left the window.
    """

    id = "US.REGF.CALL_FREQUENCY"
    citation = "12 CFR 1006.14(b)(2)(i)(A)"
    jurisdiction = "US"
    title = "Call frequency per debt"
    params = (
        Param("max_calls", int, 7, "lower", "placed calls allowed within the window"),
        Param("window_days", int, 7, "higher", "length of the window in consecutive days"),
    )

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if not ctx.is_call or ctx.to_party != "debtor":
            return None
        if ctx.consented(ctx.action.at, CONSENT_DAYS):
            return None
        window, limit = p["window_days"], p["max_calls"]
        first_day = ctx.today - timedelta(days=window - 1)
        counted = [e for e in ctx.placed_calls if ctx.day(e.at) >= first_day and not ctx.consented(e.at, CONSENT_DAYS)]
        if len(counted) < limit:
            return None
        # The call that must leave the window before one more fits under the limit.
        leaving = ctx.day(counted[len(counted) - limit].at)
        retry = start_of_local_day(leaving + timedelta(days=window), ctx.home)
        return Finding(
            f"call {len(counted) + 1} within {window} consecutive days on this debt (limit {limit})",
            retry,
        )


RULE = CallFrequency()
