"""The settings model: environment variable names, defaults, errors, and the documented table."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.contracts.errors import InputError
from engine.settings import ENV_NAMES, arrears_home, database_url, get_settings, settings_table

ROOT = Path(__file__).resolve().parent.parent


def test_docs_table_is_generated_from_the_model() -> None:
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    documented = text.split("<!-- settings:begin -->\n", 1)[1].split("\n<!-- settings:end -->", 1)[0]
    assert documented == settings_table(), "regenerate with `python -m engine.settings` into docs/operations.md"


def test_variable_names_users_set_are_kept() -> None:
    assert set(ENV_NAMES) >= {
        "ARREARS_HOME",
        "ARREARS_DATABASE_URL",
        "ARREARS_DAILY_WORKERS",
        "ARREARS_RUN_LOCAL_TIME",
        "ARREARS_EMERGENCY_PLAN",
        "ARREARS_EMERGENCY_RESPONSE",
    }


def test_defaults_and_changes_seen_at_the_next_call(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    assert arrears_home() == Path(".arrears")
    assert database_url() == f"sqlite:///{tmp_path.resolve() / '.arrears' / 'arrears.sqlite'}"
    assert get_settings().run_local_time == "08:00" and get_settings().daily_workers is None
    monkeypatch.setenv("ARREARS_HOME", str(tmp_path / "h"))
    monkeypatch.setenv("ARREARS_DAILY_WORKERS", " 3 ")
    monkeypatch.setenv("ARREARS_DATABASE_URL", "")  # empty means unset, as before
    assert arrears_home() == tmp_path / "h"
    assert database_url() == f"sqlite:///{tmp_path / 'h' / 'arrears.sqlite'}"
    assert get_settings().daily_workers == 3


@pytest.mark.parametrize(
    ("name", "value"),
    [("ARREARS_DAILY_WORKERS", "many"), ("ARREARS_RUN_LOCAL_TIME", "8am"), ("ARREARS_RUN_LOCAL_TIME", "24:00")],
)
def test_a_bad_value_names_its_variable(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(InputError) as err:
        get_settings()
    assert str(err.value).startswith(f"{name}:0:0: ")
