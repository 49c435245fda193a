"""Is a call at this instant inside the hours the account's compliance pack allows?

Worklists (engine.allocate.worklist) place each case in a slot of the collector's day; the
slot must also be a lawful time on the debtor's clock. Rather than a second copy of the law,
this asks the pack's own time-of-day rules (`Rule.time_of_day`: CN.CBA.QUIET_HOURS,
UK.CONC.CONTACT_TIMES, US.REGF.INCONVENIENT_TIME) about a call at that instant, with the
playbook's tightened limits and the account's zones and stated hours. Rules that depend on
history (frequency, a conversation today, a cease request) are left to the gate at dial
time: a worklist slot is a plan, the gate still judges the actual call.
"""

from __future__ import annotations

from datetime import datetime

from engine.compliance.context import Context
from engine.compliance.limits import Limits
from engine.compliance.registry import rules_for
from engine.contracts.facts import Account, Action


def hours_key(account: Account) -> tuple[object, ...]:
    """Accounts with the same key get the same answer for every instant (a cache key)."""
    prefs = account.contact_preferences
    return (
        account.jurisdiction,
        account.timezone,
        account.possible_timezones,
        prefs.model_dump_json() if prefs else None,
    )


def call_allowed(account: Account, at: datetime, limits: Limits | None = None) -> bool:
    """True when no time-of-day rule of the account's pack refuses a call at `at`."""
    limits = limits or Limits.default()
    ctx = Context(account, Action(channel="call", at=at), [])
    rules = [r for r in rules_for(account.jurisdiction) if r.time_of_day]
    if not rules:  # fail closed: without the pack's hours nothing is a lawful time to call
        raise RuntimeError(f"no time-of-day rules for {account.jurisdiction}: refusing to plan calls")
    return all(rule.evaluate(ctx, limits.for_rule(rule.id)) is None for rule in rules)
