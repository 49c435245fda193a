"""The target burn-down of the KPI report: collected so far against the month's target.

For the month of the report's last date, when targets for it are approved: per queue, the
`arrears targets status` row of that date (the same computation, `engine.playbook.targets`),
and a chart of what was collected by each working day against the straight-line target.
Aggregates per queue only; no account reaches the page.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go
from sqlalchemy import Engine, func, select

from engine.contracts.errors import InputError
from engine.kpi.report import MIN_GROUP
from engine.playbook.targets import LoadedTargets, status
from engine.store.models import Assignment
from engine.store.targets import approved_targets, collected_by_queue


def month_targets(engine: Engine, day: date) -> LoadedTargets | None:
    """The approved targets of `day`'s month, or None when there are none (no section then)."""
    try:
        return approved_targets(engine, day.strftime("%Y-%m"))
    except InputError:
        return None


def status_on(engine: Engine, day: date) -> tuple[LoadedTargets, list[dict[str, str]]] | None:
    """The approved targets of `day`'s month and their `arrears targets status` rows on `day`,
    or None without approved targets (what the daily run's artifact and the demo show)."""
    loaded = month_targets(engine, day)
    if loaded is None:
        return None
    first, _ = loaded.targets.bounds
    return loaded, status(loaded.targets, day, collected_by_queue(engine, first, day))


def artifact_rows(engine: Engine, day: date) -> tuple[LoadedTargets, list[dict[str, Any]]] | None:
    """The status rows for the daily run's artifact, with each target's currency and the accounts
    its queue holds on `day`; a queue of fewer than `MIN_GROUP` accounts shows no collected sum
    (nor the daily target and progress that give it away): it would tell one debtor's payments."""
    found = status_on(engine, day)
    if found is None:
        return None
    loaded, rows = found
    a = Assignment.__table__
    query = select(a.c.queue, func.count()).where(a.c.business_date == day.isoformat()).group_by(a.c.queue)
    with engine.connect() as conn:
        sizes = dict(conn.execute(query).all())
    out = []
    for row, target in zip(rows, loaded.targets.targets, strict=True):
        r = {**row, "currency": loaded.targets.currency_of(target), "accounts": sizes.get(target.queue, 0)}
        if r["accounts"] < MIN_GROUP:
            r.update(collected_to_date=None, daily_target=None, progress=None)
        out.append(r)
    return loaded, out


def burndown(engine: Engine, loaded: LoadedTargets, day: date) -> tuple[list[dict[str, str]], go.Figure]:
    """Status rows on `day` and the chart: cumulative collected per queue by working day."""
    targets = loaded.targets
    first, _ = targets.bounds
    rows = status(targets, day, collected_by_queue(engine, first, day))
    days = targets.working_days()
    fig = go.Figure()
    total_target = sum((t.collected for t in targets.targets), Decimal(0))
    fig.add_trace(
        go.Scatter(
            x=[d.isoformat() for d in days],
            y=[float(total_target * (i + 1) / len(days)) for i in range(len(days))],
            name="target (straight line)",
            line={"dash": "dash"},
        )
    )
    for t in targets.targets:
        currency = targets.currency_of(t)
        seen = [d for d in days if d <= day]
        collected = [collected_by_queue(engine, first, d).get((t.queue, currency), Decimal(0)) for d in seen]
        fig.add_trace(go.Scatter(x=[d.isoformat() for d in seen], y=[float(c) for c in collected], name=t.queue))
    fig.update_layout(title=f"Target burn-down {targets.month}", yaxis_title="collected", height=420)
    return rows, fig


def section(engine: Engine, day: date) -> dict[str, Any] | None:
    """What the report shows about targets, or None without approved targets for the month."""
    loaded = month_targets(engine, day)
    if loaded is None:
        return None
    rows, fig = burndown(engine, loaded, day)
    return {
        "name": f"{loaded.targets.name} {loaded.targets.version}",
        "month": loaded.targets.month,
        "rows": rows,
        "figure": fig,
    }
