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
from datetime import datetime
from typing import Any

from engine.contracts.facts import Account, HistoryEntry
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
        promises: Mapping[str, dict[str, Any]] | None = None,
    ) -> list[dict[str, Any]]:
        """Decisions for `accounts`, in order.

        `histories` is each account's own contact history (conditions, repeat limits);
        `debtor_histories`, when given, is each debtor's history across all their accounts,
        which the compliance gate needs (Chinese limits count per debtor, across lenders'
        accounts and agencies). Without it the gate sees the account's history only.
        `promises`, when given, is each account's latest promise to pay as the contract's
        `promise` object (the daily run reads it from the record); without it, `null`.
        """
        # keyed by position, not account_id: two input lines with the same id are two decisions
        scoped = [i for i, a in enumerate(accounts) if self.in_scope(a)]
        rows = [
            operand_values(self.program.operands, accounts[i], histories.get(accounts[i].account_id, ()), at)
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
                decision.promise = promises.get(account.account_id) if promises is not None else None
                out.append(decision.as_json())
            else:
                out.append(self._out_of_scope(account, at).as_json())
        return out

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
