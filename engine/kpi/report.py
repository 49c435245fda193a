"""`arrears kpi report`: the KPI page a collections manager reads at a glance, offline.

Charts are plotly figures embedded in the page, with plotly.js inlined once (no CDN, so
the file opens on a machine without network). Rendered through the shared sandboxed Jinja
environment (`engine.report.templating`). Only aggregates reach the page: counts, amounts,
rates, queue names, buckets — no account, debtor or collector ids; amounts of a group of
fewer than five accounts are left out (they would tell one debtor's balance). With approved
targets for the month of the last date, a target burn-down per queue (`burndown`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import plotly.graph_objects as go
from markupsafe import Markup
from sqlalchemy import Connection

from engine.kpi.queries import kpi_rows
from engine.kpi.rollrates import BUCKETS, roll_rates
from engine.store.clock import now_iso


def _days(frm: str, to: str) -> list[str]:
    first, last = date.fromisoformat(frm), date.fromisoformat(to)
    return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def recovery_curve(conn: Connection, frm: str, to: str, grace_days: int | None) -> go.Figure:
    """Cumulative recovery rate from `frm` to each day (one set-based query per day)."""
    days, rates = [], []
    for day in _days(frm, to):
        rows = kpi_rows(conn, frm, day, None, grace_days)
        days.append(day)
        rates.append(float(rows[0]["recovery_rate"] or 0) if rows else 0.0)
    fig = go.Figure(go.Scatter(x=days, y=rates, mode="lines+markers", name="recovery rate"))
    fig.update_layout(title="Recovery rate since " + frm, yaxis_tickformat=".1%", height=380)
    return fig


def roll_matrix(cells: list[dict[str, Any]]) -> go.Figure:
    """Accounts from bucket (rows) to bucket (columns), as a heat map."""
    used = [b for b in BUCKETS if any(b in (c["from_bucket"], c["to_bucket"]) for c in cells)]
    z = [[0] * len(used) for _ in used]
    for c in cells:
        z[used.index(c["from_bucket"])][used.index(c["to_bucket"])] = c["accounts"]
    fig = go.Figure(go.Heatmap(z=z, x=used, y=used, colorscale="Blues", text=z, texttemplate="%{text}"))
    fig.update_layout(title="Roll rates (accounts)", xaxis_title="to", yaxis_title="from", height=420)
    fig.update_yaxes(autorange="reversed")
    return fig


def kept_by_queue(rows: list[dict[str, Any]]) -> go.Figure:
    """Promise-kept rate per queue: kept / (kept + broken) in the period."""
    names = [r["group"] or "(no queue)" for r in rows]
    rates = [
        r["promises_kept"] / (r["promises_kept"] + r["promises_broken"])
        if r["promises_kept"] + r["promises_broken"]
        else 0.0
        for r in rows
    ]
    fig = go.Figure(go.Bar(x=names, y=rates))
    fig.update_layout(title="Promise-kept rate by queue", yaxis_tickformat=".0%", yaxis_range=[0, 1], height=380)
    return fig


MIN_GROUP = 5  # a smaller group's amounts would tell one debtor's balance and payments


def _masked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**r, "collected": None, "opening_balance": None} if r["accounts"] < MIN_GROUP else r for r in rows
    ]


def build_report(
    conn: Connection, frm: str, to: str, grace_days: int | None = None, targets: dict[str, Any] | None = None
) -> str:
    """The whole HTML page for [frm, to]; `targets` is `burndown.section` of `to` (read first, on
    connections of its own: SQLite would see them locked while `conn` builds its work tables)."""
    from engine.report.templating import render_report

    total = _masked(kpi_rows(conn, frm, to, None, grace_days))
    by_queue = _masked(kpi_rows(conn, frm, to, "queue", grace_days))
    cells = roll_rates(conn, frm, to)
    figures = [recovery_curve(conn, frm, to, grace_days), roll_matrix(cells), kept_by_queue(by_queue)]
    if targets is not None:
        figures.append(targets.pop("figure"))
    charts = [
        Markup(fig.to_html(full_html=False, include_plotlyjs=(i == 0), config={"displaylogo": False}))
        for i, fig in enumerate(figures)
    ]
    return render_report(
        "kpi_report.html.j2",
        {
            "frm": frm,
            "to": to,
            "generated_at": now_iso(),
            "total": total,
            "by_queue": by_queue,
            "charts": charts,
            "targets": targets,
        },
    )
