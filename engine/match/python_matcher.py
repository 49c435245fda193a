"""The plain-Python matcher: the same question as `DurableMatcher`, answered directly.

It is the reference semantics the durable_rules adapter is tested against, and the
hand-written baseline `bench/decide.py` measures the engine against.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine.compile.program import Program
from engine.compile.reference import evaluate


class PythonMatcher:
    def __init__(self, program: Program) -> None:
        self.program = program
        self.index = {op: i for i, op in enumerate(program.operands)}

    def match(self, rows: Sequence[Sequence[Any]]) -> list[frozenset[str]]:
        always = self.program.always
        rules = self.program.engine_rules
        out = []
        for values in rows:

            def read(op: Any, values: Sequence[Any] = values) -> Any:
                return values[self.index[op]]

            out.append(frozenset(r.id for r in rules if evaluate(r.expr, read)) | always)
        return out
