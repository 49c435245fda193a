"""One account's journey through a playbook, for the step library and `arrears playbook test`.

A scenario describes one account (jurisdiction, DPD, balance, flags, contact history), lets a
playbook decide at a given time through the real engine — the playbook loader, the
durable_rules evaluator and the compliance gate — and checks the decision. Journeys move
forward in time with `When the playbook decides again N days later`: the actions of the
previous decision are recorded as contact history with the outcomes the debtor's behaviour
implies (ignores, promises, refuses), and the account ages by N days.

History given with "N days ago" / "in the last N days" is relative to the *next* decision,
so it can be written before the `When` that uses it.

Which playbook decides is not the steps' business: a `Playbooks` source answers a name.
`ShippedPlaybooks` reads `playbooks/NAME.yaml` (the test suite); `PlaybookUnderTest` answers
with the file given to `arrears playbook test` for its own name (and for "the playbook under
test"), and says a scenario about another playbook does not apply to it.

A failed expectation raises `StepFailed` (an `AssertionError`, so pytest reports it as one),
never a bare `assert`: checks must hold under `python -O` too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from engine.compliance.adapter import default_gate
from engine.contracts.facts import Account, HistoryEntry
from engine.contracts.promises import Outcomes, PaymentRecord, PromiseRecord, merge_promises, promise_of
from engine.decide.evaluator import Evaluator
from engine.playbook.loader import LoadedPlaybook, load_playbook

PLAYBOOKS = Path(__file__).resolve().parents[2] / "playbooks"
UNDER_TEST = "the playbook under test"


DEFAULTS: dict[str, dict[str, Any]] = {
    "CN": {
        "product": "credit_card",
        "currency": "CNY",
        "timezone": "Asia/Shanghai",
        "phones": [{"number": "+8613800138000", "owner": "debtor"}],
        "emails": [{"address": "zhang.wei@example.cn", "consented": True}],
        "name": "张伟",
    },
    "US": {
        "product": "personal_loan",
        "currency": "USD",
        "timezone": "America/Chicago",
        "phones": [{"number": "+12025550143", "owner": "debtor"}],
        "emails": [{"address": "jordan.lee@example.com", "consented": True}],
        "name": "Jordan Lee",
    },
    "UK": {
        "product": "personal_loan",
        "currency": "GBP",
        "timezone": "Europe/London",
        "phones": [{"number": "+447700900123", "owner": "debtor"}],
        "emails": [{"address": "alex.morgan@example.co.uk", "consented": True}],
        "name": "Alex Morgan",
    },
}

# What the debtor does with each contact, by behaviour: channel → outcome.
BEHAVIOURS: dict[str, dict[str, str]] = {
    "ignores": {"call": "no_answer", "robot_call": "no_answer", "voicemail": "voicemail", "letter": "delivered"},
    "promises": {"call": "conversation", "robot_call": "conversation", "letter": "delivered"},
    "refuses": {"call": "refused", "robot_call": "refused", "voicemail": "voicemail", "letter": "delivered"},
}
ELECTRONIC_OUTCOME = {"ignores": "read_no_reply", "promises": "replied", "refuses": "read_no_reply"}

CHANNEL_WORDS = {
    "sms": "sms",
    "call": "call",
    "calls": "call",
    "e-mail": "email",
    "e-mails": "email",
    "email": "email",
    "letter": "letter",
    "letters": "letter",
    "robot call": "robot_call",
    "robot calls": "robot_call",
    "messaging": "messaging",
    "message": "messaging",
    "messages": "messaging",
    "voicemail": "voicemail",
    "voicemails": "voicemail",
    "visit": "visit",
}


class StepFailed(AssertionError):
    """A `Then` (or a precondition) did not hold; the message says what the decision was."""


class NotApplicable(Exception):
    """The scenario is about another playbook than the one under test."""


def check(condition: object, got: str) -> None:
    """Fail the step with `got` (what was found) unless `condition` holds."""
    if not condition:
        raise StepFailed(got)


def evaluator_for(loaded: LoadedPlaybook) -> Evaluator:
    return Evaluator(loaded, gate=default_gate(loaded))


class Playbooks(Protocol):
    def evaluator(self, name: str) -> Evaluator: ...


class ShippedPlaybooks:
    """`playbooks/NAME.yaml`, loaded, validated and compiled once each."""

    def __init__(self, folder: Path = PLAYBOOKS) -> None:
        self.folder = folder
        self._cache: dict[str, Evaluator] = {}

    def evaluator(self, name: str) -> Evaluator:
        if name == UNDER_TEST:
            raise StepFailed("no playbook is under test here: name one, or run `arrears playbook test PLAYBOOK`")
        if name not in self._cache:
            self._cache[name] = evaluator_for(load_playbook(self.folder / f"{name}.yaml"))
        return self._cache[name]


class PlaybookUnderTest:
    """The one playbook `arrears playbook test` was given, answering for its own name."""

    def __init__(self, loaded: LoadedPlaybook) -> None:
        self.loaded = loaded
        self.name = loaded.playbook.name
        self._evaluator: Evaluator | None = None

    def evaluator(self, name: str) -> Evaluator:
        if name not in (self.name, UNDER_TEST):
            raise NotApplicable(f"the scenario is about playbook {name!r}, not {self.name!r}")
        if self._evaluator is None:
            self._evaluator = evaluator_for(self.loaded)
        return self._evaluator


SHIPPED = ShippedPlaybooks()
"""One per process: each shipped playbook is compiled once for all scenarios."""


@dataclass
class Journey:
    """One account's facts, its contact history, and the latest decision."""

    playbooks: Playbooks = field(default=SHIPPED)
    account: dict[str, Any] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    relative: list[tuple[timedelta, dict[str, Any]]] = field(default_factory=list)
    breathing_space: tuple[str, int, int | None] | None = None
    behaviour: str = "ignores"
    playbook: str | None = None
    at: datetime | None = None
    decision: dict[str, Any] | None = None
    verdict: tuple[list[dict[str, Any]], datetime | None] | None = None
    promises: list[PromiseRecord] = field(default_factory=list)
    payments: list[PaymentRecord] = field(default_factory=list)

    # -- facts ---------------------------------------------------------------------
    def add_relative(self, ago: timedelta, **entry: Any) -> None:
        self.relative.append((ago, entry))

    def materialize(self, at: datetime) -> tuple[Account, list[HistoryEntry]]:
        for ago, entry in self.relative:
            line = {"account_id": self.account["account_id"], "at": at - ago, **entry}
            if "promise_in_days" in line:
                line["promise"] = self.promise_at(line["at"], line.pop("promise_in_days"))
            self.history.append(line)
        self.relative.clear()
        if self.breathing_space is not None:
            kind, started, ended = self.breathing_space
            space = {"kind": kind, "start": (at - timedelta(days=started)).date().isoformat()}
            if ended is not None:
                space["end"] = (at - timedelta(days=ended)).date().isoformat()
            self.account["breathing_space"] = space
            self.breathing_space = None
        account = Account.model_validate(self.account)
        history = sorted((HistoryEntry.model_validate(h) for h in self.history if h["at"] <= at), key=lambda h: h.at)
        return account, history

    def record(self, decision: dict[str, Any]) -> None:
        """The decision's actions happened; the debtor reacted as their behaviour says (a
        procrastinator's first conversation or reply of the day carries a promise to pay)."""
        promised = False
        for action in decision["actions"]:
            channel = action["channel"]
            if channel in ("sms", "email", "messaging"):
                outcome = ELECTRONIC_OUTCOME[self.behaviour]
            else:
                outcome = BEHAVIOURS[self.behaviour].get(channel, "delivered")
            self.history.append(
                {
                    "account_id": self.account["account_id"],
                    "at": datetime.fromisoformat(action["at"]),
                    "channel": channel,
                    "kind": action["kind"],
                    "template": action["template"],
                    "to": action["to"],
                    "outcome": outcome,
                    "recorded": action["recorded"],
                    "by": action["by"],
                }
            )
            if self.behaviour == "promises" and not promised and outcome in ("conversation", "replied"):
                self.history[-1]["promise"] = self.promise_at(self.history[-1]["at"])
                promised = True

    def promise_at(self, at: datetime, days: int = 3) -> dict[str, Any]:
        """What the procrastinator promises on a contact: a tenth of the balance in `days` days."""
        amount = (Decimal(self.account["balance"]) / 10).quantize(Decimal("0.01"))
        return {"amount": amount, "due": (at.date() + timedelta(days=days)).isoformat()}

    def outcomes(self, history: list[HistoryEntry]) -> dict[str, Outcomes]:
        """Promises given as such, those history lines carry (as a dialer records them), payments."""
        promises = merge_promises(self.promises, (p for p in map(promise_of, history) if p is not None))
        return {self.account["account_id"]: Outcomes(promises, tuple(self.payments))}

    def decide(self, playbook: str, at: datetime) -> dict[str, Any]:
        self.playbook, self.at = playbook, at
        account, history = self.materialize(at)
        evaluator = self.playbooks.evaluator(playbook)
        outcomes = self.outcomes(history)
        self.decision = evaluator.decide([account], {account.account_id: history}, at, outcomes=outcomes)[0]
        return self.decision

    # -- reading the decision ----------------------------------------------------------
    @property
    def d(self) -> dict[str, Any]:
        check(self.decision is not None, "no decision yet: add a `When the playbook ... decides` step")
        return self.decision

    def actions(self, channel: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
        return [
            a
            for a in self.d["actions"]
            if (channel is None or a["channel"] == channel) and (kind is None or a["kind"] == kind)
        ]

    def one_action(self, channel: str) -> dict[str, Any]:
        found = self.actions(channel)
        check(found, f"no {channel} action proposed; {self.summary()}")
        return found[0]

    def summary(self) -> str:
        d = self.d
        acts = [f"{a['channel']}/{a['kind']}@{a['at']}" for a in d["actions"]]
        blocked = [(b["action"]["channel"], [v["rule"] for v in b["violations"]]) for b in d["blocked"]]
        return (
            f"stage={d['stage']} assignment={d['assignment']} actions={acts} blocked={blocked} "
            f"tasks={[t['kind'] for t in d['tasks']]} fired={d['fired_rules']}\n  " + "\n  ".join(d["explanation"])
        )


def channel_of(word: str) -> str:
    key = word.strip().lower()
    if key not in CHANNEL_WORDS:
        raise ValueError(f"unknown channel {word!r}; use one of {sorted(CHANNEL_WORDS)}")
    return CHANNEL_WORDS[key]


def spread(n: int, days: int) -> list[timedelta]:
    """`n` moments inside the last `days` days, none older than `days`, none in the future."""
    span = max(days - 1, 1)
    return [timedelta(days=span * (i + 1) / (n + 1)) for i in range(n)]


def instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    check(value.utcoffset() is not None, f"{text!r} needs a UTC offset")
    return value
