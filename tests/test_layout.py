"""Small modules and short functions in `engine/`, `emergency/` and `flows/`.

A module may have at most 400 lines and a function (or method) at most 60, counted from its
`def` line to its last line. Today's offenders are listed in `ALLOWED` with their current
length; they may not grow, and an entry that no longer exceeds its limit fails the test too,
so the list only shrinks: delete the entry when you split the function.

Alembic migration versions are left out: they are frozen history, never edited once shipped.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("engine", "emergency", "flows")
FROZEN = ("engine/store/migrations/versions",)
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

# "path" for a module, "path:Qualified.name" for a function -> its length today.
ALLOWED: dict[str, int] = {
}


def _sources() -> Iterator[tuple[str, str]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if not rel.startswith(FROZEN):
                yield rel, path.read_text()


def _functions(node: ast.AST, prefix: str = "") -> Iterator[tuple[str, int]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            name = f"{prefix}{child.name}"
            if not isinstance(child, ast.ClassDef):
                yield name, (child.end_lineno or child.lineno) - child.lineno + 1
            yield from _functions(child, name + ".")
        else:
            yield from _functions(child, prefix)


def measure() -> dict[str, int]:
    """Every module's and function's length, keyed as in `ALLOWED`."""
    sizes: dict[str, int] = {}
    for rel, text in _sources():
        sizes[rel] = len(text.splitlines())
        for name, length in _functions(ast.parse(text, rel)):
            sizes[f"{rel}:{name}"] = length
    return sizes


def over_limit(sizes: dict[str, int]) -> dict[str, int]:
    def limit(key: str) -> int:
        return MAX_FUNCTION_LINES if ":" in key else MAX_MODULE_LINES

    return {key: n for key, n in sizes.items() if n > limit(key)}


def test_no_new_long_module_or_function() -> None:
    sizes = measure()
    offenders = over_limit(sizes)
    new = {k: n for k, n in offenders.items() if k not in ALLOWED}
    grown = {k: (ALLOWED[k], n) for k, n in offenders.items() if k in ALLOWED and n > ALLOWED[k]}
    assert not new, f"over {MAX_MODULE_LINES} lines per module / {MAX_FUNCTION_LINES} per function: {new}"
    assert not grown, f"listed in ALLOWED and grown (allowed, now): {grown}"


def test_the_allowed_list_only_shrinks() -> None:
    offenders = over_limit(measure())
    fixed = sorted(k for k in ALLOWED if k not in offenders)
    assert not fixed, f"no longer too long (or gone): delete from ALLOWED: {fixed}"


def test_the_measure_sees_a_long_function() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(61))
    source = f"class C:\n    def short(self):\n        pass\n\n    def long(self):\n{body}\n"
    found = dict(_functions(ast.parse(source.replace("\n    x", "\n        x"))))
    assert found == {"C.short": 2, "C.long": 62}
    assert over_limit({"m.py:C.long": 62, "m.py:C.short": 2, "m.py": 401}) == {"m.py:C.long": 62, "m.py": 401}
