"""Local time for compliance: which zones a debtor may be in, and when a window opens.

Rules that depend on the debtor's clock must hold in *every* zone the debtor may be in
(12 CFR 1006.6(b)(1)(i): when the location is unknown or conflicting, a time is convenient
only if it is convenient in all of them). Everything here uses `zoneinfo`, so DST change
days come out right without special cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from engine.contracts.facts import Account
from engine.contracts.timestamps import parse_hhmm

# When nothing is known about the debtor's location: the jurisdiction's zones. For the US,
# all continental zones plus Alaska and Hawaii, conservatively (the window is their overlap).
DEFAULT_ZONES: dict[str, tuple[str, ...]] = {
    "CN": ("Asia/Shanghai",),
    "UK": ("Europe/London",),
    "US": (
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
        "America/Anchorage",
        "Pacific/Honolulu",
    ),
}

Window = tuple[int, int]  # minutes since local midnight, [start, end); start > end wraps


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zones_for(account: Account) -> tuple[ZoneInfo, ...]:
    """The debtor's zone, else every possible zone, else the jurisdiction's default zones."""
    if account.timezone:
        return (zone(account.timezone),)
    if account.possible_timezones:
        return tuple(zone(name) for name in account.possible_timezones)
    return tuple(zone(name) for name in DEFAULT_ZONES[account.jurisdiction])


@lru_cache(maxsize=256)
def minutes(hhmm: str) -> int:
    """'08:30' -> 510; '24:00' -> 1440."""
    hour, minute = parse_hhmm(hhmm)
    return hour * 60 + minute


def fmt_minutes(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


def local_minutes(at: datetime, tz: ZoneInfo) -> int:
    local = at.astimezone(tz)
    return local.hour * 60 + local.minute


def inside(value: int, window: Window) -> bool:
    start, end = window
    if start <= end:
        return start <= value < end
    return value >= start or value < end


def allowed_everywhere(at: datetime, zones: Sequence[ZoneInfo], windows: Sequence[Window]) -> bool:
    """True when, in every zone, the local time falls inside one of the windows."""
    for tz in zones:
        value = local_minutes(at, tz)
        if not any(inside(value, w) for w in windows):
            return False
    return True


def at_local(day: date, minute_of_day: int, tz: ZoneInfo) -> datetime:
    """The instant of a wall-clock time on a local date (24:00 = next midnight)."""
    extra, minute_of_day = divmod(minute_of_day, 1440)
    wall = datetime.combine(day + timedelta(days=extra), time(minute_of_day // 60, minute_of_day % 60), tz)
    # Round-trip through UTC so a wall time inside a DST gap maps to a real instant.
    return wall.astimezone(ZoneInfo("UTC")).astimezone(tz)


def next_inside(at: datetime, zones: Sequence[ZoneInfo], windows: Sequence[Window], days: int = 3) -> datetime | None:
    """The earliest instant ≥ `at` inside the windows in every zone, or None if there is none.

    The overlap of the zones' windows, if any, begins where some zone's window begins, so the
    candidates are `at` itself and each window start in each zone over the next few days.
    """
    candidates = [at]
    for tz in zones:
        first = at.astimezone(tz).date()
        for offset in range(-1, days + 1):
            day = first + timedelta(days=offset)
            for start, _ in windows:
                instant = at_local(day, start, tz)
                if instant > at:
                    candidates.append(instant)
    for candidate in sorted(candidates):
        if allowed_everywhere(candidate, zones, windows):
            return candidate
    return None


def start_of_local_day(day: date, tz: ZoneInfo) -> datetime:
    return at_local(day, 0, tz)
