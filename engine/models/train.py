"""`arrears models train`: a spec and an as-of date → a trained, evaluated, stored model, active
only when it is not worse than the active one.

Windows. Connect: the calls dated in [as_of − days, as_of]. Propensity: accounts as they stood at
the cut-off `as_of − 30 days` (features from the `days` before it), labelled by a payment in the
30 days after it — so the label is fully observed by `as_of`.

"Not worse" is judged on the held-back AUC: a new model whose AUC is lower than the active one's
is stored (for the record and its metrics) but not activated, and the reason is said.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine

from engine.models import dataset
from engine.models.artifact import canonical, sha256_of
from engine.models.fit import fit_connect, fit_propensity
from engine.models.spec import LoadedSpec
from engine.store.model_store import active_model, public, store_model


def train_model(engine: Engine, loaded: LoadedSpec, as_of: date) -> dict[str, Any]:
    """Train, evaluate, store; the stored model's public row with `activated` and `reason`."""
    spec = loaded.spec
    if spec.target == "connect_by_hour":
        first = as_of - timedelta(days=spec.window.days)
        rec = dataset.read_record(engine, first, as_of)
        ids, segs, hours, labels = dataset.call_rows(rec, spec.segment or "", first, as_of)
        artifact, metrics = fit_connect(spec, ids, segs, hours, labels)
    else:
        cut_day = as_of - timedelta(days=dataset.HORIZON)
        first = cut_day - timedelta(days=spec.window.days)
        rec = dataset.read_record(engine, first, as_of)
        cut = dataset.cut_of(cut_day)
        ids, rows = dataset.account_rows(rec, spec.features, cut)
        artifact, metrics = fit_propensity(spec, ids, rows, dataset.paid_within(rec, ids, cut))
    artifact["features"] = list(spec.features)
    text = canonical(artifact)
    activated, reason = judge(engine, spec.name, metrics["auc"])
    row = {"name": spec.name, "target": spec.target, "spec": loaded.content, "spec_sha256": loaded.sha256,
           "window_from": first.isoformat(), "window_to": as_of.isoformat(), "metrics": canonical(metrics),
           "artifact": text, "sha256": sha256_of(text)}  # fmt: skip
    stored = store_model(engine, row, activated)
    return {**stored, "activated": activated, "reason": reason}


def judge(engine: Engine, name: str, auc: float) -> tuple[bool, str]:
    """(activate?, why): not worse than the active model of the same name on held-back AUC."""
    current = active_model(engine, name)
    if current is None:
        return True, "no active model of this name"
    old = public(current)
    old_auc = old["metrics"]["auc"]
    if auc < old_auc:
        return False, f"held-back AUC {auc} is worse than the active version {old['version']}'s {old_auc}"
    return True, f"held-back AUC {auc} is not worse than the active version {old['version']}'s {old_auc}"
