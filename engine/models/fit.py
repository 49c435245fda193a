"""Training and held-back evaluation with scikit-learn (LogisticRegression, roc_auc_score,
brier_score_loss, calibration_curve); the fitted numbers go into a JSON artifact
(`engine.models.artifact`) and are scored with numpy from there.

The held-back set is a seeded share of *accounts* (not of rows), so no account's calls or
payments are both learnt from and judged on.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score

from engine.contracts.errors import InputError
from engine.models import artifact as art
from engine.models.spec import NUMERIC, ModelSpec


def held_back(account_ids: list[str], share: float, seed: int) -> np.ndarray:
    """True for the accounts held back for evaluation: a hash of (seed, account) below `share`."""

    def u(aid: str) -> float:
        return int.from_bytes(hashlib.sha256(f"{seed}|{aid}|holdout".encode()).digest()[:8], "big") / 2**64

    return np.array([u(aid) < share for aid in account_ids], dtype=bool)


def _need_both(y: np.ndarray, what: str) -> None:
    if len(y) == 0 or y.min() == y.max():
        raise InputError.at("--as-of", 1, 1, f"{what}: the window has {len(y)} rows and not both outcomes; "
                            "widen the window or wait for more history")  # fmt: skip


def _auc(y: np.ndarray, p: np.ndarray, what: str) -> float:
    _need_both(y, f"{what} (held back)")
    return round(float(roc_auc_score(y, p)), 4)


def fit_propensity(spec: ModelSpec, ids: list[str], rows: list[dict[str, Any]], labels: list[int]) -> tuple[
        dict[str, Any], dict[str, Any]]:  # fmt: skip
    """(artifact, metrics): AUC, Brier score and a 10-bin calibration table on held-back accounts."""
    y, test = np.array(labels, dtype=int), held_back(ids, spec.window.holdout, spec.seed)
    _need_both(y[~test], "propensity_30d (training)")
    train_rows = [r for r, t in zip(rows, test, strict=True) if not t]
    numeric = {}
    for f in (f for f in spec.features if f in NUMERIC):
        values = np.array([r[f] for r in train_rows], dtype=float)
        numeric[f] = [float(values.mean()), float(values.std()) or 1.0]
    categorical = {f: sorted({r[f] for r in train_rows if r[f] is not None}) for f in spec.features if f not in NUMERIC}
    artifact: dict[str, Any] = {"format": art.FORMAT, "target": spec.target, "numeric": numeric,
                                "categorical": categorical}  # fmt: skip
    X = art.design(artifact, rows)
    clf = LogisticRegression(C=1.0, max_iter=2000).fit(X[~test], y[~test])
    artifact |= {"coef": [float(c) for c in clf.coef_[0]], "intercept": float(clf.intercept_[0])}
    p = art.propensity(artifact, [r for r, t in zip(rows, test, strict=True) if t])
    y_test = y[test]
    auc = _auc(y_test, p, "propensity_30d")
    observed, predicted = calibration_curve(y_test, p, n_bins=10, strategy="quantile")
    metrics = {
        "auc": auc,
        "brier": round(float(brier_score_loss(y_test, p)), 4),
        "calibration": [
            {"predicted": round(float(a), 4), "observed": round(float(b), 4)}
            for a, b in zip(predicted, observed, strict=True)
        ],
        "base_rate": round(float(y.mean()), 4),
        "train_rows": int((~test).sum()),
        "held_back_rows": int(test.sum()),
    }
    return artifact, metrics


def _connect_artifact(spec: ModelSpec, names: list[str], seg: np.ndarray, h: np.ndarray, y: np.ndarray) -> dict[
        str, Any]:  # fmt: skip
    """Answered ~ harmonics of the local hour, one set of coefficients per segment (one fit)."""
    basis = art.hour_basis(h)
    width = basis.shape[1]
    X = np.hstack([basis * (seg == s)[:, None] for s in names])
    coef = LogisticRegression(C=1e4, max_iter=5000, fit_intercept=False).fit(X, y).coef_[0]
    seen = [s for s in names if (seg == s).any()]
    return {
        "format": art.FORMAT, "target": spec.target, "segment": spec.segment,
        "segments": {s: [float(c) for c in coef[names.index(s) * width : (names.index(s) + 1) * width]] for s in seen},
        "hours": {s: [float(h[seg == s].min()), float(h[seg == s].max())] for s in seen},
    }  # fmt: skip


def _p(artifact: dict[str, Any], seg: str, hour: float) -> float:
    p = art.connect(artifact, seg, np.array([hour]))
    return 0.0 if p is None else float(p[0])


def fit_connect(spec: ModelSpec, ids: list[str], segs: list[str], hours: list[float], labels: list[int]) -> tuple[
        dict[str, Any], dict[str, Any]]:  # fmt: skip
    """(artifact, metrics): per segment, answered ~ harmonics of the local hour; the best hour per
    segment, and the AUC of P(answered) on held-back accounts' calls."""
    y, test = np.array(labels, dtype=int), held_back(ids, spec.window.holdout, spec.seed)
    seg, h = np.array(segs, dtype=object), np.array(hours, dtype=float)
    _need_both(y[~test], "connect_by_hour (training)")
    names = sorted(set(seg))
    held = _connect_artifact(spec, names, seg[~test], h[~test], y[~test])
    p = np.array([_p(held, s, hh) for s, hh in zip(seg[test], h[test], strict=True)])
    # Judged on held-back accounts; the stored model is then refitted on every account's calls
    # (more calls per segment place the peak better; the judged model is the same recipe).
    artifact = _connect_artifact(spec, names, seg, h, y)
    best = art.best_hours(artifact)
    metrics = {
        "auc": _auc(y[test], p, "connect_by_hour"),
        "brier": round(float(brier_score_loss(y[test], p)), 4),
        "best_hour": best,
        "calls": {s: int((seg == s).sum()) for s in names},
        "train_rows": int((~test).sum()),
        "held_back_rows": int(test.sum()),
    }
    return artifact, metrics
