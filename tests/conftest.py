"""Test-wide settings: every test run keeps its state (Arrears, Prefect) in a temp folder,
with telemetry off, so tests never touch a developer's ./.arrears or ~/.prefect."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_STATE = Path(tempfile.mkdtemp(prefix="arrears-tests-"))
os.environ.setdefault("ARREARS_HOME", str(_STATE / "arrears"))
os.environ.setdefault("PREFECT_HOME", str(_STATE / "prefect"))
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def arrears_cmd() -> list[str]:
    """The real console script, as a user runs it."""
    exe = Path(sys.executable).parent / "arrears"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "flows.cli"]
