"""An emergency plan's correlations compiled to the engine's window rules.

The plan's YAML (`emergency.plan.Correlation`) becomes `engine.match.windows.WindowRule`s
here; the durable_rules adapter runs them (`engine.match.durable_adapter.CorrelationEngine`).
"""

from __future__ import annotations

from emergency.plan import Plan, parse_duration
from engine.match.windows import CorrelationHit, WindowRule, where_value

__all__ = ["CorrelationHit", "WindowRule", "compile_rules", "where_value"]


def compile_rules(plan: Plan) -> list[WindowRule]:
    """The plan's correlations as engine-neutral rules."""
    return [
        WindowRule(
            id=c.id,
            event=c.event,
            where=tuple(sorted(c.where.items())),
            group_by=c.group_by,
            count=c.count,
            within_seconds=int(parse_duration(c.within).total_seconds()),
        )
        for c in plan.correlations
    ]
