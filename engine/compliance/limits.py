"""Effective rule parameters, and the one way a playbook may change them: tighter.

A playbook's `compliance:` section maps rule ids to parameter values. `tighten()` accepts a
value only if it moves in the parameter's declared direction from the legal default
(fewer calls, a later start, a longer moratorium…). Anything else — a looser value, an
unknown rule or parameter, a wrong type — raises `LimitError` naming the rule and its
citation, which playbook validation maps to the YAML line.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from engine.compliance.base import Param, Rule
from engine.compliance.registry import all_rules, get
from engine.compliance.timeutil import minutes
from engine.contracts.timestamps import parse_hhmm


class LimitError(ValueError):
    """A `compliance:` override that is not allowed."""

    def __init__(self, rule_id: str, param: str | None, message: str) -> None:
        self.rule_id = rule_id
        self.param = param
        self.message = message
        super().__init__(message)


class Limits:
    """Effective parameters per rule id (legal defaults unless a playbook tightened them)."""

    def __init__(self, values: Mapping[str, Mapping[str, Any]]) -> None:
        self._values = MappingProxyType({k: MappingProxyType(dict(v)) for k, v in values.items()})

    @classmethod
    def default(cls) -> Limits:
        return _DEFAULT_CACHE.setdefault("limits", cls({r.id: r.defaults() for r in all_rules()}))

    def for_rule(self, rule_id: str) -> Mapping[str, Any]:
        return self._values[rule_id]

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {k: dict(v) for k, v in self._values.items()}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Limits) and self.as_dict() == other.as_dict()

    def __repr__(self) -> str:
        changed = {
            rid: {k: v for k, v in vals.items() if v != get(rid).defaults()[k]}  # type: ignore[union-attr]
            for rid, vals in self._values.items()
        }
        return f"Limits({ {k: v for k, v in changed.items() if v} })"


_DEFAULT_CACHE: dict[str, Limits] = {}


def _fail(rule: Rule, param: str | None, what: str) -> LimitError:
    where = f"{param}: " if param else ""
    return LimitError(rule.id, param, f"{where}{what} (rule {rule.id}, {rule.citation})")


def _coerce(rule: Rule, spec: Param, value: Any) -> Any:
    """Check the value's type; returns it in canonical form."""
    kind = spec.type
    if kind is bool:
        if not isinstance(value, bool):
            raise _fail(rule, spec.name, f"expected true or false, got {value!r}")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(rule, spec.name, f"expected a whole number, got {value!r}")
        if value < 0:
            raise _fail(rule, spec.name, f"must not be negative, got {value}")
        return value
    if kind is str:  # HH:MM
        if not isinstance(value, str):
            raise _fail(rule, spec.name, f"expected a time HH:MM, got {value!r}")
        try:
            parse_hhmm(value)
        except ValueError:
            raise _fail(rule, spec.name, f"expected a time HH:MM, got {value!r}") from None
        return value
    if kind is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _fail(rule, spec.name, f"expected a list of strings, got {value!r}")
        return list(value)
    raise TypeError(f"unsupported parameter type {kind}")  # pragma: no cover - programming error


def _tighter_or_equal(spec: Param, value: Any) -> bool:
    default = spec.default
    match spec.tighter:
        case "lower":
            return bool(value <= default)
        case "higher":
            return bool(value >= default)
        case "earlier":
            return minutes(value) <= minutes(default)
        case "later":
            return minutes(value) >= minutes(default)
        case "true":
            return bool(value or not default)
        case "false":
            return bool(not value or default)
        case "superset":
            return set(value) >= set(default)
        case "operator":
            return True
    raise TypeError(f"unknown direction {spec.tighter}")  # pragma: no cover


DIRECTION_WORDS = {
    "lower": "may only be lowered",
    "higher": "may only be raised",
    "earlier": "may only be made earlier",
    "later": "may only be made later",
    "true": "may only be switched on",
    "false": "may only be switched off",
    "superset": "may only gain entries",
    "operator": "is set by the lender",
}


def tighten(overrides: Mapping[str, Mapping[str, Any]] | None, base: Limits | None = None) -> Limits:
    """Apply a playbook's `compliance:` section to the legal defaults (or `base`)."""
    values = (base or Limits.default()).as_dict()
    for rule_id, params in (overrides or {}).items():
        rule = get(rule_id)
        if rule is None:
            raise LimitError(rule_id, None, f"unknown compliance rule {rule_id!r}")
        if not isinstance(params, Mapping):
            raise _fail(rule, None, "expected a mapping of parameter: value")
        for name, raw in params.items():
            spec = rule.param(name)
            if spec is None:
                known = ", ".join(p.name for p in rule.params) or "none"
                raise _fail(rule, name, f"unknown parameter (known: {known})")
            value = _coerce(rule, spec, raw)
            if not _tighter_or_equal(spec, value):
                raise _fail(
                    rule,
                    name,
                    f"{value!r} loosens the legal default {spec.default!r}; it {DIRECTION_WORDS[spec.tighter]}",
                )
            values[rule_id][name] = value
    return Limits(values)
