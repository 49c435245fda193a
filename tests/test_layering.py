"""The layering of ARCHITECTURE.md holds: import-linter's contracts (pyproject.toml,
`[tool.importlinter]`) are kept, so a plain `pytest` catches a forbidden import too, not
only `make test`.

The second test copies the packages to a temporary folder, adds one forbidden import and
checks that the same command fails and names it — the check can fail, and reports where.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("engine", "emergency", "flows")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "lint-imports"
    if not exe.exists():
        pytest.fail(f"lint-imports not found next to {sys.executable}; install the dev extra")
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run([str(exe), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_import_contracts_are_kept() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "wrong_import", "expected"),
    [
        ("engine/decide/stream.py", "import prefect", "engine.decide.stream -> prefect"),
        ("engine/store/chain.py", "import engine.run.daily", "engine.store.chain -> engine.run.daily"),
        ("engine/match/python_matcher.py", "import durable.lang", "engine.match.python_matcher -> durable"),
        ("engine/contracts/errors.py", "import engine.playbook.model", "engine.contracts.errors -> engine.playbook"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tmp_path: Path, module: str, wrong_import: str, expected: str) -> None:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(
        target.read_text().replace(
            "from __future__ import annotations\n", f"from __future__ import annotations\n\n{wrong_import}\n", 1
        )
    )
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert expected in result.stdout, result.stdout
