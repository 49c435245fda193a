"""The one question every matcher answers, and the registry that picks a matcher by name.

A matcher is built once per compiled program and then asked, batch after batch, which rule
ids hold for each row of operand values (`engine.match.features.operand_values`). Two are
registered: `durable` (durable_rules, through `durable_adapter`) and `python` (the plain
reference, `python_matcher`). Swapping the rules engine means writing one adapter and adding
one line to `MATCHERS`.

Factories import their adapter when called, so choosing `python` never loads durable_rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from engine.compile.program import Program


class Matcher(Protocol):
    """Which of a program's rules hold, for each row of operand values (in `program.operands` order)."""

    def match(self, rows: Sequence[Sequence[Any]]) -> list[frozenset[str]]: ...


MatcherFactory = Callable[[Program], Matcher]


def _durable(program: Program) -> Matcher:
    from engine.match.durable_adapter import DurableMatcher

    return DurableMatcher(program)


def _python(program: Program) -> Matcher:
    from engine.match.python_matcher import PythonMatcher

    return PythonMatcher(program)


MATCHERS: dict[str, MatcherFactory] = {"durable": _durable, "python": _python}


def make_matcher(name: str, program: Program) -> Matcher:
    """The matcher registered as `name`, built for `program`; an unknown name is a ValueError."""
    try:
        factory = MATCHERS[name]
    except KeyError:
        raise ValueError(f"unknown matcher {name!r}; known: {', '.join(sorted(MATCHERS))}") from None
    return factory(program)
