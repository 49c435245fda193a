"""The step library's registry: step texts with `{placeholders}`, matched with `parse`.

One registry serves both ways of running feature files: `arrears playbook test` matches a
feature's steps against it directly (engine/workbench/scenarios.py), and the test suite binds
every entry to pytest-bdd (tests/steps/decision_steps.py). So a step means the same in a
strategy owner's run and in CI, and the library needs neither pytest nor Prefect.

`"{name}"` in a step text matches one quoted value (never across quotes); `{n:d}` an integer,
`{x:g}` a number, `{w:w}` a word — `parse`'s format language, as pytest-bdd's `parsers.parse`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import parse

Kind = Literal["given", "when", "then"]


def _quoted(text: str) -> str:
    return text


_quoted.pattern = r'[^"]+'  # type: ignore[attr-defined]
EXTRA_TYPES: dict[str, Callable[[str], Any]] = {"Q": _quoted}


def pattern(text: str) -> str:
    """The `parse` pattern of a step text: every `"{name}"` becomes one quoted value."""
    return re.sub(r'"\{(\w+)\}"', r'"{\1:Q}"', text)


@dataclass(frozen=True)
class StepDef:
    kind: Kind
    text: str
    func: Callable[..., None]
    parser: parse.Parser

    def match(self, line: str) -> dict[str, Any] | None:
        """The step's arguments if `line` is this step (the whole line), else None."""
        found = self.parser.parse(line)
        return dict(found.named) if isinstance(found, parse.Result) else None


LIBRARY: list[StepDef] = []


def step(kind: Kind, text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register `func(journey, **arguments)` as the step `text` of this kind."""

    def register(func: Callable[..., None]) -> Callable[..., None]:
        LIBRARY.append(StepDef(kind, text, func, parse.compile(pattern(text), extra_types=EXTRA_TYPES)))
        return func

    return register


def library() -> list[StepDef]:
    """Every shipped step (importing the step modules registers them)."""
    from engine.workbench import steps_given, steps_then  # noqa: F401 - they register on import

    return LIBRARY
