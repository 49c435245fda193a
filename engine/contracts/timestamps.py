"""Parsing of the `--at` / `--as-of` options: ISO 8601 with an offset, or a date."""

from __future__ import annotations

from datetime import UTC, date, datetime

from engine.contracts.errors import InputError
from engine.contracts.numbers import MAX_YEAR, MIN_YEAR


def parse_at(text: str | None, option: str = "--at") -> datetime:
    """A timestamp with offset; `None` means now (UTC). Impossible dates are user errors."""
    if text is None:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InputError.at(option, 1, 1, f"{option}: not an ISO 8601 timestamp: {text!r} ({exc})") from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError.at(option, 1, 1, f"{option}: {text!r} needs a UTC offset, e.g. {text}+08:00")
    _plausible(value, option)
    return value


def _plausible(value: date, option: str) -> None:
    """The same year range the input contracts accept (`engine.contracts.numbers`)."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise InputError.at(option, 1, 1, f"{option}: year {value.year} is outside {MIN_YEAR}..{MAX_YEAR}")


def parse_date(text: str | None, option: str = "--as-of") -> date:
    if text is None:
        return datetime.now(UTC).date()
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise InputError.at(option, 1, 1, f"{option}: not a valid date {text!r} ({exc})") from None
    _plausible(day, option)
    return day


def parse_hhmm(text: str, *, allow_24: bool = True) -> tuple[int, int]:
    """'08:30' -> (8, 30): the one reading of an `HH:MM` time of day (playbooks, compliance
    parameters, settings, `arrears serve --at`). Exactly two digits each; '24:00' is the end of
    the day, allowed only where a window may end there. A `ValueError` names the bad text."""
    parts = text.split(":")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 2 for p in parts):
        raise ValueError(f"time must be HH:MM, got {text!r}")
    hour, minute = int(parts[0]), int(parts[1])
    if hour > 24 or minute > 59 or (hour == 24 and (minute or not allow_24)):
        raise ValueError(f"impossible time of day {text!r}")
    return hour, minute
