"""From "which rules hold" to a decision: the playbook's semantics, applied in order.

`Evaluator.decide` takes a batch of accounts (with their contact histories), asks the matcher
which compiled rules hold for each, then resolves them exactly as the playbook language says:
first matching segment and stage, summed priority and fraud points, pauses, assignment
overrides (`resolve`); tasks, offers, incentives, treatments with channel choice, the dynamic
contact path, repeat limits (`treatments`); local hours, rendering and finally the compliance
gate (`actions`). Every step that changed the outcome leaves a rule id in `fired_rules` and a
line in `explanation`, with the facts the rule tested. The decision stays a typed `Decision`
until it is returned as the contract's JSON object.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from engine.contracts.facts import Account, HistoryEntry
from engine.contracts.promises import Outcomes, PromiseFacts, promise_facts
from engine.decide import resolve, treatments
from engine.decide.decision import Case, Decision, Gate
from engine.decide.index import PlaybookIndex
from engine.match.features import operand_values
from engine.match.matcher import Matcher, make_matcher
from engine.playbook.loader import LoadedPlaybook
from engine.playbook.model import Playbook

__all__ = ["Evaluator", "Gate"]


class Evaluator:
    """Decides for batches of accounts under one loaded playbook.

    Everything that depends only on the playbook (the matcher, rule ids, explanations) is
    built here, once; `decide` does only per-account work.
    """

    def __init__(self, loaded: LoadedPlaybook, matcher: str = "durable", gate: Gate | None = None) -> None:
        self.loaded = loaded
        self.playbook: Playbook = loaded.playbook
        self.program = loaded.program
        self.matcher: Matcher = make_matcher(matcher, self.program)
        self.gate = gate
        self.index = PlaybookIndex(loaded)
        scope = self.playbook.applies_to
        self.jurisdictions = set(scope.jurisdictions)
        self.products = set(scope.products) if scope.products is not None else None
        self.zone = ZoneInfo(self.playbook.timezone)

    # -- public --------------------------------------------------------------------
    def in_scope(self, account: Account) -> bool:
        return account.jurisdiction in self.jurisdictions and (
            self.products is None or account.product in self.products
        )

    def decide(
        self,
        accounts: Sequence[Account],
        histories: Mapping[str, Sequence[HistoryEntry]],
        at: datetime,
        debtor_histories: Mapping[str, Sequence[HistoryEntry]] | None = None,
        outcomes: Mapping[str, Outcomes] | None = None,
    ) -> list[dict[str, Any]]:
        """Decisions for `accounts`, in order.

        `histories` is each account's own contact history (conditions, repeat limits);
        `debtor_histories`, when given, is each debtor's history across all their accounts,
        which the compliance gate needs (Chinese limits count per debtor, across lenders'
        accounts and agencies). Without it the gate sees the account's history only.
        `outcomes`, when given, holds each account's promises to pay and payments: the promise
        facts of the conditions and the decision's `promise` object come from them, with this
        playbook's grace days (an account without outcomes has no promise: `null`).
        """
        # keyed by position, not account_id: two input lines with the same id are two decisions
        scoped = [i for i, a in enumerate(accounts) if self.in_scope(a)]
        day = at.astimezone(self.zone).date()  # the business date, in the playbook's zone
        facts = {i: self.promise_facts(accounts[i], day, outcomes) for i in scoped}
        rows = [
            operand_values(self.program.operands, accounts[i], histories.get(accounts[i].account_id, ()), at, facts[i])
            for i in scoped
        ]
        matched = dict(zip(scoped, zip(rows, self.matcher.match(rows), strict=True), strict=True))
        out = []
        for position, account in enumerate(accounts):
            if position in matched:
                values, hits = matched[position]
                history = histories.get(account.account_id, ())
                whole = debtor_histories.get(account.debtor_id, history) if debtor_histories is not None else history
                case = Case(self.index, self.gate, account, history, whole, at, values, hits)
                decision = self._decision(case)
                decision.promise = facts[position].as_decision()
                out.append(decision.as_json())
            else:
                out.append(self._out_of_scope(account, at).as_json())
        return out

    def promise_facts(self, account: Account, day: date, outcomes: Mapping[str, Outcomes] | None) -> PromiseFacts:
        """The account's promise facts on the business date, with this playbook's grace days."""
        found = outcomes.get(account.account_id) if outcomes is not None else None
        return promise_facts(found, day, self.playbook.promises.grace_days)

    # -- the decision ----------------------------------------------------------------
    def _out_of_scope(self, account: Account, at: datetime) -> Decision:
        d = Decision.start(account, at, self.loaded.identity)
        d.note(
            f"out of scope: {self.index.scope_text}; "
            f"account is {account.jurisdiction} / {account.product or 'no product'}"
        )
        return d

    def _decision(self, case: Case) -> Decision:
        """The playbook language's order: situation first, then what to do about it."""
        d = Decision.start(case.account, case.at, self.loaded.identity)
        if resolve.paid(case, d):
            return d
        resolve.segment(case, d)
        resolve.priority(case, d)
        if resolve.fraud_stop(case, d):
            return d
        stage = resolve.stage(case, d)
        if stage is None:
            return d
        resolve.assignment(case, stage, d)
        pause = resolve.pause(case, d)
        lost = treatments.tasks(case, stage, d)
        treatments.offers(case, stage, d)
        treatments.incentives(case, d)
        treatments.all_treatments(case, stage, pause, lost, d)
        return d
