"""The daily run's model scores: the active models' `propensity` and `best_hour` set on a chunk's
accounts in one batch (engine.models.score), read by playbooks as the fields of those names.
A chunk scored with no active model reads null for both."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from engine.contracts.facts import Account
from engine.models.score import score_accounts


def scored(engine: Engine, loaded: tuple, as_of: date) -> tuple:
    """`load_chunk`'s result with each account's scores set (the accounts come first)."""
    accounts: list[Account] = loaded[0]
    scores = score_accounts(engine, [a.account_id for a in accounts], as_of)
    for account in accounts:
        account.scored(scores[account.account_id])
    return loaded
