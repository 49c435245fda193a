"""A trained model as a JSON document of its parameters, its sha256, and scoring with numpy.

Why not pickle: loading a pickle runs code. The models here are logistic regressions, fully
described by a handful of numbers (scaling, categories, coefficients), so the artifact is that
JSON, serialised canonically (sorted keys, no spaces); its sha256 is stored beside it and
checked before every load — a changed byte is refused (`TamperedModel`), never scored.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import numpy as np

FORMAT = "arrears-model-v1"
HARMONICS = 3  # cos/sin of the hour's angle and of 2× and 3× it, per segment (a smooth day curve)


class TamperedModel(RuntimeError):
    """A stored artifact no longer hashes to its recorded sha256."""


def canonical(artifact: dict[str, Any]) -> str:
    return json.dumps(artifact, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_artifact(text: str, sha256: str, name: str = "model") -> dict[str, Any]:
    """The artifact, only when `text` hashes to `sha256`."""
    if sha256_of(text) != sha256:
        raise TamperedModel(f"model {name}: artifact does not hash to its recorded sha256 {sha256[:12]}; refused")
    artifact = json.loads(text)
    if artifact.get("format") != FORMAT:
        raise TamperedModel(f"model {name}: unknown artifact format {artifact.get('format')!r}")
    return artifact


def hour_basis(hours: np.ndarray) -> np.ndarray:
    """[1, cos kθ, sin kθ for k = 1..HARMONICS], θ the hour's angle on the 24-hour circle."""
    theta = 2 * np.pi * np.asarray(hours, dtype=float) / 24
    cols = [np.ones_like(theta)]
    for k in range(1, HARMONICS + 1):
        cols += [np.cos(k * theta), np.sin(k * theta)]
    return np.column_stack(cols)


def design(artifact: dict[str, Any], rows: list[dict[str, Any]]) -> np.ndarray:
    """Propensity: standardised numeric columns, then one-hot categories (unseen → all zero)."""
    cols = []
    for name, (mean, scale) in artifact["numeric"].items():
        cols.append([(float(r[name]) - mean) / scale for r in rows])
    for name, cats in artifact["categorical"].items():
        for cat in cats:
            cols.append([1.0 if r[name] == cat else 0.0 for r in rows])
    return np.array(cols, dtype=float).T.reshape(len(rows), len(cols))


def propensity(artifact: dict[str, Any], rows: list[dict[str, Any]]) -> np.ndarray:
    """P(payment within 30 days) per row, in one matrix product."""
    z = design(artifact, rows) @ np.array(artifact["coef"]) + artifact["intercept"]
    return 1 / (1 + np.exp(-z))


def connect(artifact: dict[str, Any], segment: str, hours: np.ndarray) -> np.ndarray | None:
    """P(answered) of calls to `segment` at local `hours`; None for a segment never seen."""
    coef = artifact["segments"].get(segment)
    if coef is None:
        return None
    return 1 / (1 + np.exp(-(hour_basis(hours) @ np.array(coef))))


def best_hours(artifact: dict[str, Any]) -> dict[str, int]:
    """Per segment, the whole local hour (among those the data covered) most likely answered."""
    out = {}
    for seg, (lo, hi) in artifact["hours"].items():
        hours = np.arange(math.ceil(lo), math.floor(hi) + 1, dtype=float)
        p = connect(artifact, seg, hours)
        if p is not None and len(hours):
            out[seg] = int(hours[int(np.argmax(p))])
    return out
