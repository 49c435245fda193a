"""Correlation window rules in our own representation, independent of the rules engine.

`emergency.rules` compiles an emergency plan's correlations to `WindowRule`s;
`engine.match.durable_adapter.CorrelationEngine` turns them into durable_rules rulesets. Keeping
this layer lets the engine be swapped (as ansible-rulebook did) and lets tests state the
semantics without durable_rules: `count` events of kind `event` whose fields equal `where`,
about the same `group_by` subject, the last at most `within_seconds` after the first.

Imports nothing from the project: it is the vocabulary the adapter and its callers share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WindowRule:
    """One correlation rule, as the engine needs it."""

    id: str
    event: str
    where: tuple[tuple[str, str | bool], ...]
    group_by: str | None
    count: int
    within_seconds: int



@dataclass(frozen=True)
class CorrelationHit:
    """A rule fired: `subject` is the group value (None for ungrouped rules), `event_ids` the
    events that made it fire, oldest first."""

    rule_id: str
    subject: str | None
    event_ids: tuple[str, ...]


def where_value(value: Any) -> str | None:
    """How a `where` field is published to the engine: typed text, so that `true` never
    equals `1` or `"true"` (durable_rules coerces across kinds)."""
    if isinstance(value, bool):
        return "b:" + ("true" if value else "false")
    if isinstance(value, str):
        return "s:" + value
    return None
