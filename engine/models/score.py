"""Scores for accounts from the active models, in one batch (no per-account model call).

`propensity` (0..1) from the active `propensity_30d` model, `best_hour` (0..23, local) from the
active `connect_by_hour` model's segment of the account; None when there is no active model,
or the account's segment was never seen in training.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine

from engine.models import dataset
from engine.models.artifact import best_hours, load_artifact, propensity
from engine.store.model_store import active_of_target


def score_accounts(engine: Engine, account_ids: list[str], as_of: date) -> dict[str, dict[str, Any]]:
    """account id → {"propensity": float | None, "best_hour": int | None}."""
    out: dict[str, dict[str, Any]] = {aid: {"propensity": None, "best_hour": None} for aid in account_ids}
    prop, conn = active_of_target(engine, "propensity_30d"), active_of_target(engine, "connect_by_hour")
    if prop is None and conn is None:
        return out
    rec = dataset.read_record(engine, as_of - timedelta(days=dataset.LOOKBACK + 1), as_of, sorted(set(account_ids)))
    known = [aid for aid in account_ids if aid in rec.accounts]
    if prop is not None:
        artifact = load_artifact(prop.artifact, prop.sha256, prop.name)
        rec.accounts = {aid: rec.accounts[aid] for aid in known}
        ids, rows = dataset.account_rows(rec, artifact["features"], dataset.cut_of(as_of))
        for aid, p in zip(ids, propensity(artifact, rows), strict=True):
            out[aid]["propensity"] = Decimal(str(round(float(p), 4)))  # a number as the matchers read numbers
    if conn is not None:
        artifact = load_artifact(conn.artifact, conn.sha256, conn.name)
        hours = best_hours(artifact)
        for aid in known:
            seg = dataset.category(rec.accounts[aid], artifact["segment"])
            out[aid]["best_hour"] = hours.get(seg if seg is not None else "")
    return out
