"""Usage errors through the real `arrears` executable: exit 2, the usage and one error line,
never a traceback; `--version` answers. (issue 9, defect 2: typer 0.26+ bundles its own
click, whose exceptions the CLI did not catch.)"""

from __future__ import annotations

from importlib.metadata import version

import pytest
from cli_helpers import run

USAGE_ERRORS = {
    "unknown command": (["valdate"], "No such command 'valdate'"),
    "missing option": (["decide", "--accounts", "a.jsonl"], "Missing option '--playbook'"),
    "unknown option": (["validate", "--bogus", "x.yaml"], "No such option: --bogus"),
    "out of range": (["run", "daily", "--chunk-size", "0"], "Invalid value for '--chunk-size'"),
    "missing argument": (["validate"], "Missing argument"),
}


@pytest.mark.parametrize("case", sorted(USAGE_ERRORS))
def test_usage_error_exits_2_with_usage_and_one_error_line(arrears_cmd: list[str], case: str) -> None:
    args, message = USAGE_ERRORS[case]
    result = run(arrears_cmd, *args)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("Usage: arrears"), result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and message in errors[0], result.stderr


@pytest.mark.parametrize("args", [[], ["audit"]], ids=["arrears", "arrears audit"])
def test_group_without_command_shows_help_and_exits_2(arrears_cmd: list[str], args: list[str]) -> None:
    result = run(arrears_cmd, *args)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, (result.returncode, result.stderr)
    shown = result.stdout + result.stderr  # typer prints rich help on stdout
    assert "Usage: arrears" in shown and "Commands" in shown, shown


def test_help_exits_0(arrears_cmd: list[str]) -> None:
    result = run(arrears_cmd, "--help")
    assert result.returncode == 0 and "Usage: arrears" in result.stdout, result.stderr


def test_version_prints_the_installed_version(arrears_cmd: list[str]) -> None:
    result = run(arrears_cmd, "--version")
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, f"arrears {version('arrears')}", "")
