"""Champion/challenger in the daily run: which group an account is in, and who decides it.

The split is `sha256("<experiment id>|<account id>")` read as an integer, modulo 10,000: the
account is a challenger when that bucket is below share × 10,000. It depends only on the
experiment and the account, so an account keeps its group on every day, rerun and process
of the experiment (Python's `hash` is salted per process and would not). Salting with the
experiment id gives a fresh, independent split to each experiment.

In a running experiment on playbook N, N's accounts are decided by the champion or the
challenger version by group, whichever version of N is approved last; decisions carry
`"group": "champion" | "challenger"`. Decisions outside an experiment carry no `group`
(the same document `arrears decide` gives); the KPIs read that as null.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine

from engine.contracts.facts import Account, HistoryEntry
from engine.playbook.loader import LoadedPlaybook
from engine.store.experiments import Experiment, running
from engine.store.playbooks import loaded_by_sha

BUCKETS = 10_000
Decided = list[tuple[LoadedPlaybook, Account, dict[str, Any]]]


def group_of(experiment_id: str, account_id: str, share: Decimal | str) -> str:
    """`"challenger"` for about `share` of accounts, `"champion"` for the rest; stable."""
    digest = hashlib.sha256(f"{experiment_id}|{account_id}".encode()).digest()
    bucket = int.from_bytes(digest[:8], "big") % BUCKETS
    return "challenger" if bucket < int(Decimal(share) * BUCKETS) else "champion"


def _covers(loaded: LoadedPlaybook, account: Account) -> bool:
    scope = loaded.playbook.applies_to
    return account.jurisdiction in scope.jurisdictions and (scope.products is None or account.product in scope.products)


def decide_in_groups(
    engine: Engine,
    decide: Callable[..., Decided],
    accounts: list[Account],
    histories: dict[str, list[HistoryEntry]],
    playbooks: list[LoadedPlaybook],
    as_of: date,
    *rest: Any,
) -> Decided:
    """`decide(accounts, histories, playbooks, as_of, *rest)`, with each running experiment's
    playbook replaced by its champion or challenger per account group, decisions labelled."""
    with engine.connect() as conn:
        active = {n: x for n, x in running(conn).items() if any(p.playbook.name == n for p in playbooks)}
    if not active:
        return decide(accounts, histories, playbooks, as_of, *rest)
    versions: dict[str, tuple[LoadedPlaybook, LoadedPlaybook]] = {
        n: tuple(loaded_by_sha(engine, [x.champion_sha256, x.challenger_sha256]))
        for n, x in active.items()  # type: ignore[misc]
    }
    champions = [versions[p.playbook.name][0] if p.playbook.name in active else p for p in playbooks]
    challengers = [versions[p.playbook.name][1] if p.playbook.name in active else p for p in playbooks]
    to_challenger = {a.account_id for a in accounts if _challenger(a, active, versions)}
    decided = decide([a for a in accounts if a.account_id not in to_challenger], histories, champions, as_of, *rest)
    decided += decide([a for a in accounts if a.account_id in to_challenger], histories, challengers, as_of, *rest)
    label = {
        sha: g
        for x in active.values()
        for sha, g in ((x.champion_sha256, "champion"), (x.challenger_sha256, "challenger"))
    }
    return [(p, a, _with_group(d, label[p.sha256]) if p.sha256 in label else d) for p, a, d in decided]


def _with_group(decision: dict[str, Any], group: str) -> dict[str, Any]:
    """The decision with `group` just before `resolution` and `promise` (the contract keeps
    those two last)."""
    tail = ("resolution", "promise")
    head = {k: v for k, v in decision.items() if k not in tail}
    return {**head, "group": group, **{k: decision[k] for k in tail if k in decision}}


def _challenger(
    account: Account, active: dict[str, Experiment], versions: dict[str, tuple[LoadedPlaybook, LoadedPlaybook]]
) -> bool:
    for name, x in active.items():
        if _covers(versions[name][0], account):
            return group_of(x.experiment_id, account.account_id, x.share) == "challenger"
    return False
