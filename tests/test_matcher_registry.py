"""The matcher registry: a name picks an adapter, both answer alike, an unknown name is refused,
and choosing the Python reference never loads durable_rules."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_matcher_differential import AT, account, program_of

from engine.match.durable_adapter import DurableMatcher
from engine.match.features import operand_values
from engine.match.matcher import MATCHERS, make_matcher
from engine.match.python_matcher import PythonMatcher

ROOT = Path(__file__).resolve().parent.parent


def test_names_pick_their_adapters_and_agree() -> None:
    program = program_of(["dpd > 30", "balance >= 100 and dpd <= 30"])
    rows = [
        operand_values(program.operands, account(i, dpd=d, balance=b), (), AT)
        for i, (d, b) in enumerate([(0, 0), (31, 5), (10, 150)])
    ]
    durable, python = make_matcher("durable", program), make_matcher("python", program)
    assert isinstance(durable, DurableMatcher) and isinstance(python, PythonMatcher)
    assert durable.match(rows) == python.match(rows) == [frozenset(), frozenset({"r0"}), frozenset({"r1"})]


def test_an_unknown_name_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown matcher 'drools'; known: durable, python"):
        make_matcher("drools", program_of(["dpd > 1"]))
    assert set(MATCHERS) == {"durable", "python"}


def test_the_python_matcher_does_not_load_durable() -> None:
    code = (
        "import sys\n"
        "from engine.match.matcher import make_matcher\n"
        "from engine.compile.compiler import parsed\n"
        "from engine.compile.program import Program, Rule\n"
        "from engine.compile.condition_ast import operands\n"
        "e = parsed('dpd > 1')\n"
        "make_matcher('python', Program(name='p', rules=(Rule('r0', 'dpd > 1', e),), operands=tuple(operands(e))))\n"
        "print('durable' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
