"""`arrears simulate --html`: the champion's and the challenger's recovery curves side by side.

One offline page (plotly.js inlined, no CDN), aggregates only: the cumulative recovery rate
from the first simulated date to each date, per playbook — no account, debtor or collector
appears, so there is nothing personal to mask. The plot's element id is fixed, so the same
simulation writes the same file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots


def curves_figure(series: dict[str, tuple[dict[str, str], list[tuple[str, float]]]], seed: int) -> go.Figure:
    """One panel per playbook (label → (identity, [(date, cumulative recovery rate)])), same y axis."""
    titles = [f"{label}: {i['name']} {i['version']} ({i['sha256'][:12]})" for label, (i, _) in series.items()]
    fig = make_subplots(rows=1, cols=len(series), shared_yaxes=True, subplot_titles=titles)
    for col, (label, (_, curve)) in enumerate(series.items(), start=1):
        fig.add_trace(go.Scatter(x=[d for d, _ in curve], y=[r for _, r in curve], mode="lines+markers", name=label),
                      row=1, col=col)  # fmt: skip
    fig.update_yaxes(tickformat=".1%")
    fig.update_layout(title=f"Recovery rate since the first simulated date (seed {seed})", height=420)
    return fig


def write_curves(path: Path, series: dict[str, Any], seed: int) -> Path:
    html = curves_figure(series, seed).to_html(
        full_html=True, include_plotlyjs=True, div_id="recovery-curves", config={"displaylogo": False}
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
