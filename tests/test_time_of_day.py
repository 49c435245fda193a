"""`HH:MM` has one reading everywhere: playbooks, compliance parameters, settings, `serve --at`."""

from __future__ import annotations

import pytest
import typer

from engine.contracts.timestamps import parse_hhmm
from flows.commands.serve import daily_cron


@pytest.mark.parametrize(
    ("text", "parts"), [("00:00", (0, 0)), ("08:30", (8, 30)), ("23:59", (23, 59)), ("24:00", (24, 0))]
)
def test_valid_times(text: str, parts: tuple[int, int]) -> None:
    assert parse_hhmm(text) == parts


@pytest.mark.parametrize("text", ["8:30", "08:3", "0830", "08:30:00", "24:01", "25:00", "08:60", "-1:00", "ab:cd", ""])
def test_invalid_times_name_the_text(text: str) -> None:
    with pytest.raises(ValueError, match="time"):
        parse_hhmm(text)


def test_end_of_day_only_where_a_window_may_end() -> None:
    with pytest.raises(ValueError, match="impossible time of day '24:00'"):
        parse_hhmm("24:00", allow_24=False)


def test_serve_schedule() -> None:
    assert daily_cron("06:05") == "5 6 * * *"
    with pytest.raises(typer.BadParameter, match="expected HH:MM"):
        daily_cron("24:00")
