"""The frequency rule kind: at most N communications in a window of consecutive local days.

Federal Regulation F (seven calls per debt in seven days) and the US state overlays
(Massachusetts: two per seven days; Washington: three a week, one at work) are the same
rule with different data: which channels count, per debt or per debtor, which numbers
(the debtor's personal ones, the workplace, or any), and whether calls the consumer asked
for are exempt. A rule module subclasses `FrequencyRule` and sets those class attributes;
the limit and the window are its parameters (`max_calls`, or `limit_param`, and `window_days`).

Days are calendar days at the debtor's location (the first possible zone); the window is
rolling — the strictest reading of "each seven-day period" or "a single week". A refused
action may be retried on the first day on which the oldest counted contact has left it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, ClassVar, Literal

from engine.compliance.base import Finding, Rule
from engine.compliance.context import NOT_PLACED, Context
from engine.compliance.timeutil import start_of_local_day
from engine.contracts.facts import Account, HistoryEntry

# Phone `relation`s that mark a number at the debtor's place of employment.
WORK_RELATIONS = frozenset({"work", "employer", "workplace", "office"})
# 12 CFR 1006.14(b)(3)(i): calls with direct prior consent given within the last 7 days.
CONSENT_DAYS = 7

Numbers = Literal["any", "personal", "work"]


def is_work_number(account: Account, number: str | None) -> bool:
    """Is `number` one of the debtor's numbers at work (phone `relation` work/employer…)?"""
    if number is None:
        return False
    return any(p.number == number and (p.relation or "").lower() in WORK_RELATIONS for p in account.phones)


class FrequencyRule(Rule):
    """Base of every "at most N contacts in D days" rule; subclasses give only their data."""

    channels: ClassVar[frozenset[str]]
    per: ClassVar[Literal["debt", "debtor"]] = "debt"
    numbers: ClassVar[Numbers] = "any"
    consent_exempt: ClassVar[bool] = False
    noun: ClassVar[str] = "call"  # in the reason: "call 3 within 7 consecutive days …"
    limit_param: ClassVar[str] = "max_calls"  # the parameter holding the limit

    def _number_fits(self, account: Account, number: str | None) -> bool:
        if self.numbers == "any":
            return True
        return is_work_number(account, number) is (self.numbers == "work")

    def applies(self, ctx: Context) -> bool:
        return (
            ctx.action.channel in self.channels
            and ctx.to_party == "debtor"
            and self._number_fits(ctx.account, ctx.action.to)
        )

    def counts(self, ctx: Context, entry: HistoryEntry) -> bool:
        """Is this earlier contact one of the communications the rule limits?"""
        return (
            entry.direction == "outbound"
            and entry.party == "debtor"
            and entry.channel in self.channels
            and entry.outcome not in NOT_PLACED
            and self._number_fits(ctx.account, entry.to)
            and not (self.consent_exempt and ctx.consented(entry.at, CONSENT_DAYS))
        )

    def evaluate(self, ctx: Context, p: Mapping[str, Any]) -> Finding | None:
        if not self.applies(ctx):
            return None
        if self.consent_exempt and ctx.consented(ctx.action.at, CONSENT_DAYS):
            return None
        window, limit = p["window_days"], p[self.limit_param]
        first_day = ctx.today - timedelta(days=window - 1)
        pool = ctx.own if self.per == "debt" else ctx.before
        counted = [e for e in pool if ctx.day(e.at) >= first_day and self.counts(ctx, e)]
        scope = "this debt" if self.per == "debt" else "this debtor"
        if len(counted) >= limit:
            # The contact that must leave the window before one more fits under the limit.
            leaving = ctx.day(counted[len(counted) - limit].at) if limit else ctx.today
            retry = start_of_local_day(leaving + timedelta(days=window), ctx.home)
            return Finding(
                f"{self.noun} {len(counted) + 1} within {window} consecutive days on {scope} (limit {limit})",
                retry,
            )
        if self._crowded_ahead(ctx, [ctx.day(e.at) for e in counted], window, limit):
            return Finding(
                f"{self.noun} would be one too many within {window} consecutive days on {scope} with the "
                f"contacts already planned after it (limit {limit})",
                None,
            )
        return None

    def _crowded_ahead(self, ctx: Context, back: list[date], window: int, limit: int) -> bool:
        """Would this contact, with those already planned after it, put more than `limit` into
        some window of `window` days that holds today?"""
        last_day = ctx.today + timedelta(days=window - 1)
        own = ctx.account.account_id
        ahead = [
            ctx.day(e.at)
            for e in ctx.after
            if (self.per == "debtor" or e.account_id == own) and ctx.day(e.at) <= last_day and self.counts(ctx, e)
        ]
        if not ahead:
            return False
        days = [*back, ctx.today, *ahead]
        starts = (ctx.today - timedelta(days=k) for k in range(window))
        return any(sum(s <= d < s + timedelta(days=window) for d in days) > limit for s in starts)
