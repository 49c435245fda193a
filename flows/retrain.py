"""The `retrain-models` flow (D20): every model spec in a folder retrained from the record.

Scheduled weekly by `arrears serve` (Sunday 03:00 in the serve timezone; specs from
`$ARREARS_HOME/models/*.yaml`). Each spec is trained and judged like `arrears models train`: a
model worse than the active one on held-back AUC is stored but not activated. The run's table
artifact lists each model's version, held-back metrics and whether it was activated (no
personal data: metrics and segment names only). A bad spec fails its own task, not the others.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_table_artifact

from engine.contracts.timestamps import parse_date
from engine.models.spec import load_spec
from engine.models.train import train_model
from engine.store.db import ready_engine


@task(name="train-model")
def train_one(path: str, as_of: date) -> dict[str, Any]:
    return train_model(ready_engine(), load_spec(path), as_of)


def metrics_rows(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One artifact row per trained model."""
    return [
        {"model": r["name"], "version": r["version"], "target": r["target"], "auc": r["metrics"]["auc"],
         "brier": r["metrics"]["brier"], "held_back": r["metrics"]["held_back_rows"],
         "activated": r["activated"], "reason": r["reason"], "sha256": r["sha256"][:12]}
        for r in results
    ]  # fmt: skip


@flow(name="retrain-models")
def retrain_models(specs_dir: str, as_of: str | None = None) -> list[dict[str, Any]]:
    """Train every `*.yaml` model spec in `specs_dir` as of `as_of` (default today)."""
    day = parse_date(as_of, "as_of") if as_of else date.today()
    paths = sorted(str(p) for p in Path(specs_dir).glob("*.yaml"))
    futures = [train_one.submit(p, day) for p in paths]
    results = [f.result(raise_on_failure=False) for f in futures]
    trained = [r for r in results if isinstance(r, dict)]
    create_table_artifact(key="model-metrics", table=metrics_rows(trained),
                          description=f"Models retrained as of {day}: held-back metrics, activation")  # fmt: skip
    if len(trained) < len(paths):
        raise RuntimeError(f"{len(paths) - len(trained)} of {len(paths)} model specs failed; see their task runs")
    return trained
