"""The facts one compliance check works on, derived once and shared by every rule.

A dialer calls the gate before every dial, so the gate must stay well under 5 ms on a
200-entry history. The history is sorted once; each derived view (placed calls,
conversations, zones…) is computed lazily on first use and cached for the other rules.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from engine.compliance.timeutil import zones_for
from engine.contracts.facts import Account, Action, HistoryEntry

# Call-like channels: a telephone call in the sense of 12 CFR 1006.14(b).
CALL_CHANNELS = frozenset({"call", "robot_call", "voicemail"})
# Outcomes of a call that never connected: not a *placed* call (1006.14(b)(1) commentary).
NOT_PLACED = frozenset({"busy", "failed"})
CONNECTED = frozenset({"connected", "conversation"})
ELECTRONIC = frozenset({"email", "sms", "messaging"})


class Context:
    """An account, one proposed action, and the contacts strictly before it — and, when the
    action is being planned (`lookahead`), the contacts already planned at or after its time:
    a rolling "N in D days" limit is broken by a window on either side of the new contact. A
    replay of a log (the nightly audit) looks back only: there every window is seen from its
    last contact, and the contact judged is itself in the log."""

    def __init__(
        self,
        account: Account,
        action: Action,
        history: Sequence[HistoryEntry],
        *,
        presorted: bool = False,
        lookahead: bool = False,
    ) -> None:
        self.account = account
        self.action = action
        # Presorted lists are shared, not copied: the audit replays thousands of contacts
        # against one debtor's history.
        self._all = history if presorted and isinstance(history, list) else sorted(history, key=_at)
        cut = bisect_left(self._all, action.at, key=_at)
        self.before: list[HistoryEntry] = self._all[:cut]
        self.lookahead = lookahead
        self.after: list[HistoryEntry] = self._all[cut:] if lookahead else []

    def at(self, when: datetime) -> Context:
        """The same check for the same action moved to another time (for next_allowed_at)."""
        moved = self.action.model_copy(update={"at": when})
        twin = Context(self.account, moved, self._all, presorted=True, lookahead=self.lookahead)
        twin.__dict__["zones"] = self.zones
        twin.__dict__["flags"] = self.flags
        return twin

    @cached_property
    def zones(self) -> tuple[ZoneInfo, ...]:
        return zones_for(self.account)

    @property
    def home(self) -> ZoneInfo:
        """The zone whose calendar days count days (the first possible zone)."""
        return self.zones[0]

    @cached_property
    def flags(self) -> frozenset[str]:
        return frozenset(self.account.flags)

    def day(self, when: datetime) -> date:
        return when.astimezone(self.home).date()

    @cached_property
    def today(self) -> date:
        return self.day(self.action.at)

    @cached_property
    def own(self) -> list[HistoryEntry]:
        """This debt's own contacts before the action (US rules count per debt)."""
        account_id = self.account.account_id
        return [e for e in self.before if e.account_id == account_id]

    @cached_property
    def conversations(self) -> list[HistoryEntry]:
        """Telephone conversations with the debtor about this debt, either direction."""
        return [
            e for e in self.own if e.outcome == "conversation" and e.party == "debtor" and e.channel in CALL_CHANNELS
        ]

    @cached_property
    def consents(self) -> list[HistoryEntry]:
        """Entries recording the debtor's direct consent to be called until a time."""
        return [e for e in self.own if e.consent_until is not None and e.party == "debtor"]

    def consented(self, when: datetime, within_days: int) -> bool:
        """Did the debtor, in the `within_days` before `when`, consent to a call at `when`?"""
        for entry in self.consents:
            assert entry.consent_until is not None
            if entry.at <= when <= entry.consent_until and (when - entry.at).days < within_days:
                return True
        return False

    @property
    def is_call(self) -> bool:
        return self.action.channel in CALL_CHANNELS

    @cached_property
    def to_party(self) -> str:
        """Who the action reaches: its own `party`, or third_party if `to` is a known third-party number."""
        if self.action.party == "third_party":
            return "third_party"
        for phone in self.account.phones:
            if phone.number == self.action.to and phone.owner == "third_party":
                return "third_party"
        return "debtor"

    @cached_property
    def to_relation(self) -> str | None:
        for phone in self.account.phones:
            if phone.number == self.action.to:
                return phone.relation
        return None


def _at(entry: HistoryEntry) -> datetime:
    return entry.at
