"""The rule registry: every module in `engine.compliance.rules` that defines `RULE`.

Loaded lazily on first use (not at package import) so that importing a model or the CLI
does not pay for all rule modules; cached afterwards.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from engine.compliance.base import Rule


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule, sorted by id. Duplicate ids are a programming error."""
    from engine.compliance import rules as package

    found: dict[str, Rule] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        rule = getattr(module, "RULE", None)
        if rule is None:
            continue
        if rule.id in found:
            raise RuntimeError(f"duplicate compliance rule id {rule.id}")
        found[rule.id] = rule
    return tuple(found[key] for key in sorted(found))


@cache
def rules_for(jurisdiction: str) -> tuple[Rule, ...]:
    return tuple(r for r in all_rules() if r.jurisdiction == jurisdiction)


@cache
def by_id() -> dict[str, Rule]:
    return {r.id: r for r in all_rules()}


def get(rule_id: str) -> Rule | None:
    return by_id().get(rule_id)
