"""The shipped step library (engine/workbench/steplib.py) bound to pytest-bdd.

The steps themselves live in `engine/workbench/steps_given.py` and `steps_then.py`, so that
`arrears playbook test` runs exactly the steps CI runs. Here each one becomes a pytest-bdd
step of the same text, taking the `journey` fixture (on the shipped playbooks, by name).
Test modules load this file with `pytest_plugins = ["steps.decision_steps"]` and call
`scenarios(...)`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from engine.workbench.journey import Journey
from engine.workbench.steplib import EXTRA_TYPES, StepDef, library, pattern

DECORATORS = {"given": given, "when": when, "then": then}


@pytest.fixture
def journey() -> Journey:
    return Journey()


def _bound(definition: StepDef) -> Callable[..., None]:
    """`definition.func` with the signature pytest-bdd reads: `journey` plus the step's arguments."""

    def run(journey: Journey, **arguments: Any) -> None:
        definition.func(journey, **arguments)

    names = inspect.signature(definition.func).parameters
    run.__signature__ = inspect.Signature(list(names.values()))  # type: ignore[attr-defined]
    run.__name__ = definition.func.__name__
    return run


for _definition in library():
    # at module level: pytest-bdd registers each step as a fixture of the calling module
    DECORATORS[_definition.kind](parsers.parse(pattern(_definition.text), extra_types=EXTRA_TYPES))(_bound(_definition))
