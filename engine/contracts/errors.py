"""User-facing errors: every bad input names its file, line, column and field.

The CLI turns an `InputError` into `FILE:LINE:COL: message` on stderr and exit code 2,
never a traceback. Code that finds several faults raises one `InputError` carrying all.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One fault in one input file."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class InputError(Exception):
    """Bad user input: a playbook, template, JSON line, option or date. Exit code 2."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(cls, file: str, line: int, col: int, message: str) -> InputError:
        return cls(Problem(file, line, col, message))


class EvaluationError(RuntimeError):
    """A decision could not be made correctly (the rules engine failed, or disagreed with the
    reference semantics). Raised instead of returning a decision that may be wrong."""
