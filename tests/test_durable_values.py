"""The durable_rules adapter hands its C core only values the core holds exactly.

Defence in depth behind the contracts (`engine.contracts.numbers`): even a value that slipped
past them (a Python caller, a store row written before the limits) must raise a clear
`RulesEngineError` — never crash the process, never be compared as some other number.
The crash itself is shown in a subprocess, against the bare engine, so the limits stay
grounded in what the core really does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.compile.compiler import parsed
from engine.compile.condition_ast import Aggregate, Compare, Const, Field, operands
from engine.compile.parser import ConditionError
from engine.compile.program import Program, Rule
from engine.contracts.errors import EvaluationError
from engine.match.durable_adapter import MAX_EXACT_INT, DurableMatcher, RulesEngineError, _json_value
from engine.match.python_matcher import PythonMatcher

ROOT = Path(__file__).resolve().parent.parent


def program_of(conditions: list[str]) -> Program:
    rules = tuple(Rule(f"r{i}", text, parsed(text)) for i, text in enumerate(conditions))
    seen: dict[Field | Aggregate, None] = {}
    for rule in rules:
        for op in operands(rule.expr):
            seen.setdefault(op, None)
    return Program(name="values", rules=rules, operands=tuple(seen))


REFUSED: list[Any] = [
    Decimal("9999999999999999.00"),  # issue #9: 16 digits, written `1e+16` → segfault
    Decimal("1e400"),
    Decimal("-1e400"),
    Decimal("NaN"),
    Decimal("Infinity"),
    Decimal("0.000000001"),  # written `1e-09` → segfault
    Decimal("0.1000000000000000001"),  # reads back as 0.1: would compare equal to 0.1
    1e308,
    float("nan"),
    float("inf"),
    1e-5,
    2**53 + 1,
    -(2**53) - 1,
    10**400,
    "\ud800",  # a lone surrogate: the core refuses the whole batch
]

KEPT: list[Any] = [
    0,
    MAX_EXACT_INT,
    -MAX_EXACT_INT,
    Decimal("9999999999999.99"),
    Decimal("0.0001"),
    Decimal("12345678901.23"),
    Decimal("-0.00"),
    0.1,
    True,
    "text",
    "中文",
    "",
]


@pytest.mark.parametrize("value", REFUSED, ids=repr)
def test_values_the_core_cannot_hold_are_refused(value: Any) -> None:
    with pytest.raises(RulesEngineError, match="rules engine cannot"):
        _json_value(value)


@pytest.mark.parametrize("value", REFUSED, ids=repr)
def test_the_matcher_refuses_them_as_an_evaluation_error(value: Any) -> None:
    program = program_of(["attributes.x > 5000", "attributes.x == 'a'"])
    with pytest.raises(EvaluationError):
        DurableMatcher(program).match([[value]])


@pytest.mark.parametrize("literal", [10**20, Decimal("1e-9"), Decimal("0.1000000000000000001")], ids=repr)
def test_a_literal_the_core_cannot_hold_is_refused_when_the_ruleset_is_built(literal: Any) -> None:
    """The parser refuses such literals first (`test_a_playbook_literal_outside_the_range…`);
    a program built another way still never reaches the core with them."""
    balance = Field("balance")
    program = Program(name="values", rules=(Rule("r0", "balance > x", Compare(balance, ">", Const(literal))),),
                      operands=(balance,))
    with pytest.raises(RulesEngineError, match="cannot compare"):
        DurableMatcher(program)


@pytest.mark.parametrize("text", ["balance > 99999999999999999999", "balance > 0.00001", "dpd > 1" + "0" * 5000])
def test_a_playbook_literal_outside_the_range_is_a_condition_error(text: str) -> None:
    with pytest.raises(ConditionError, match="rules engine cannot compare"):
        parsed(text)


@pytest.mark.parametrize("value", KEPT, ids=repr)
def test_values_it_holds_pass_unchanged(value: Any) -> None:
    out = _json_value(value)
    assert out == value or (isinstance(value, Decimal) and Decimal(repr(out)) == value)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.integers(-MAX_EXACT_INT, MAX_EXACT_INT),
        st.decimals(min_value=0, max_value=Decimal("9999999999999.99"), places=2),
    ),
    st.decimals(min_value=0, max_value=Decimal("9999999999999.99"), places=2),
)
def test_numbers_inside_the_limits_compare_exactly(value: Any, literal: Decimal) -> None:
    """Money next to money, whole numbers up to 2^53: durable and the reference agree."""
    conditions = [f"attributes.x {op} {format(literal, 'f')}" for op in ("==", "<", ">=")]
    program = program_of(conditions)
    assert DurableMatcher(program).match([[value]]) == PythonMatcher(program).match([[value]])


CRASH = textwrap.dedent(
    """
    from durable import engine
    class Host(engine.Host):
        def _run(self): return None
    host = Host()
    host.set_rulesets({"rs": {"r": {"all": [{"m": {"$gt": {"x": 1}}}], "run": lambda c: None},
                              "d": {"all": [{"m": {"k": "a"}}], "pri": 9, "run": lambda c: None}}})
    host.assert_facts("rs", [{"id": "1", "k": "a", "x": float(__import__("sys").argv[1])}])
    """
)


@pytest.mark.parametrize("text", ["1e16", "1e-5"])
def test_the_bare_core_really_crashes_on_an_exponent_without_a_fraction(text: str) -> None:
    """Why the adapter refuses: Python writes these doubles as `1e+16` / `1e-05`, which the
    core's JSON reader cannot parse; the process dies with a signal, not an exception."""
    result = subprocess.run([sys.executable, "-c", CRASH, text], capture_output=True, timeout=60)
    assert result.returncode < 0 or result.returncode >= 128, result


def test_and_the_adapter_refuses_before_the_core_sees_them() -> None:
    script = (
        "from decimal import Decimal\n"
        "from engine.match.durable_adapter import DurableMatcher, RulesEngineError\n"
        "from test_durable_values import program_of\n"
        "try:\n"
        "    DurableMatcher(program_of(['balance > 5'])).match([[Decimal('9999999999999999.00')]])\n"
        "except RulesEngineError as exc:\n"
        "    print('refused:', exc)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0 and result.stdout.startswith("refused:"), result
