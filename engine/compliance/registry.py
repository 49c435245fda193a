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
def rules_for(jurisdiction: str, region: str | None = None) -> tuple[Rule, ...]:
    """The jurisdiction's national rules, plus the overlay of `region` (a US state) if it has one.

    Overlay rules apply *in addition to* the national ones, so the strictest limit wins.
    """
    return tuple(r for r in all_rules() if r.jurisdiction == jurisdiction and r.region in (None, region))


def region_key(region: str | None) -> str | None:
    """An account's `region` as overlay rules name it: trimmed, upper case ("ma" -> "MA")."""
    key = (region or "").strip().upper()
    return key or None


@cache
def regions() -> dict[str, tuple[str, ...]]:
    """Jurisdiction -> the regions that have overlay rules, sorted."""
    out: dict[str, set[str]] = {}
    for rule in all_rules():
        if rule.region:
            out.setdefault(rule.jurisdiction, set()).add(rule.region)
    return {j: tuple(sorted(r)) for j, r in out.items()}


@cache
def by_id() -> dict[str, Rule]:
    return {r.id: r for r in all_rules()}


def get(rule_id: str) -> Rule | None:
    return by_id().get(rule_id)
