"""Monthly collection targets (`kind: targets` files) and their break-down to working days.

A targets file is declarative like a playbook: validated by an `extra="forbid"` model with
every fault at `FILE:LINE:COL`, stored as an immutable version and approved by a second
person (`engine.store.targets`). Here: the model, the loader, and the pure arithmetic of
`arrears targets status` (working days, pro-rata target, re-spread daily target, progress);
the record supplies only the collected sums.

Money is `Decimal`, never float: a YAML number such as `1200000.50` reaches us as a float,
so it is converted through its shortest repr (exact for the ≤ 15 significant digits the
bounds below allow) — or write the amount as a quoted string.

May import: `engine.contracts` and this package's YAML helpers (`yaml_source`, `yaml_models`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

from engine.contracts import digest
from engine.contracts.numbers import check_money, minor_unit, money_limit, money_text
from engine.playbook.yaml_models import Located, declares_kind, read_yaml_mapping, validate_located

RATE = Decimal("0.0001")
# The contracts' money bound for 2 decimal places (10^13), one definition for every amount; 13
# integer digits + 2 decimals is also where a YAML float's repr round-trips exactly.
MAX_AMOUNT = money_limit(2)


def _no_float_rounding(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("an amount is a number, not true/false")
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _label(value: Any) -> Any:
    """`version: 3` and `version: "3"` are the same label."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Amount = Annotated[
    Decimal,
    BeforeValidator(_no_float_rounding),
    Field(gt=0, lt=MAX_AMOUNT, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": int(MAX_AMOUNT)},
                {"type": "string", "pattern": r"^[0-9]{1,13}(\.[0-9]{1,2})?$"},
            ],
            "description": "collected amount, > 0 and < 10^13, at most 2 decimal places; a quoted string is exact",
        }
    ),
]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. CNY")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(_Model):
    """One queue's collected-amount target for the month."""

    queue: str = Field(min_length=1, max_length=128, description="an assignment queue of the playbooks")
    collected: Amount
    currency: Currency | None = Field(default=None, description="overrides the file's currency")


class Targets(_Model):
    """A month's collected-amount targets per queue (language version 1)."""

    kind: Literal["targets"] = Field(description="marks the file as targets for `arrears validate`")
    version: Annotated[str, BeforeValidator(_label)] = Field(min_length=1, description="the owner's version label")
    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)
    month: str = Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    currency: Currency | None = Field(default=None, description="for every target that names none")
    holidays: list[date] = Field(default_factory=list, description="non-working weekdays of the month")
    targets: list[Target] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Targets:
        first, last = self.bounds
        for i, day in enumerate(self.holidays):
            if not first <= day <= last:
                raise Located(("holidays", i), f"{day} is not in month {self.month}")
            if day in self.holidays[:i]:
                raise Located(("holidays", i), f"{day} is listed twice")
        seen: set[str] = set()
        for i, t in enumerate(self.targets):
            if t.queue in seen:
                raise Located(("targets", i, "queue"), f"queue {t.queue!r} has two targets")
            seen.add(t.queue)
            if (t.currency or self.currency) is None:
                raise Located(("targets", i, "currency"), "no currency: give one here or for the whole file")
            try:  # places by the currency's minor units: JPY none (the field's bound is 2)
                check_money(t.collected, t.currency or self.currency)
            except ValueError as exc:
                raise Located(("targets", i, "collected"), str(exc)) from None
        if not self.working_days():
            raise Located(("holidays",), f"month {self.month} has no working day left")
        return self

    @property
    def bounds(self) -> tuple[date, date]:
        year, month = map(int, self.month.split("-"))
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])

    def working_days(self) -> list[date]:
        """Monday to Friday of the month, less the holidays."""
        first, last = self.bounds
        days = (first + timedelta(n) for n in range((last - first).days + 1))
        return [d for d in days if d.weekday() < 5 and d not in self.holidays]

    def currency_of(self, target: Target) -> str:
        return target.currency or self.currency or ""


@dataclass(frozen=True)
class LoadedTargets:
    path: Path
    targets: Targets
    sha256: str
    content: str

    @property
    def identity(self) -> dict[str, str]:
        return {"name": self.targets.name, "version": str(self.targets.version), "sha256": self.sha256}


def declares_targets(path: str | Path) -> bool:
    """Targets files say `kind: targets` at the top level; `arrears validate` dispatches on it."""
    return declares_kind(path, "targets")


def load_targets(path: str | Path) -> LoadedTargets:
    """Read and validate one targets file; `InputError` names every fault at FILE:LINE:COL."""
    raw, doc = read_yaml_mapping(path, "targets file")
    targets = validate_located(Targets, doc, "targets")
    return LoadedTargets(Path(path), targets, digest.content_sha256(b"arrears-targets-v1", raw, {}), raw.decode())


def status(targets: Targets, day: date, collected: dict[tuple[str, str], Decimal]) -> list[dict[str, str]]:
    """`arrears targets status` rows for `day`, given the collected sum per (queue, currency).

    Conventions (docs/targets.md): working days are Mon–Fri less holidays; `elapsed` counts the
    working days from the 1st to `day` inclusive, `remaining` those from `day` inclusive to the
    month's end. Amounts have the currency's minor-unit places (CNY 2, JPY 0): target_to_date =
    month_target × elapsed / all (half-up to that unit); daily_target = max(0, month_target −
    collected) / remaining, rounded UP to that unit so that meeting it every day meets the
    month (the whole missing amount when no working day remains); progress = collected /
    month_target, half-up to 4 places.
    """
    days = targets.working_days()
    elapsed = sum(1 for d in days if d <= day)
    remaining = sum(1 for d in days if d >= day)
    rows = []
    for t in targets.targets:
        currency = targets.currency_of(t)
        unit = minor_unit(currency)  # JPY 1, USD 0.01, KWD 0.001
        got = collected.get((t.queue, currency), Decimal(0))
        missing = max(Decimal(0), t.collected - got)
        daily = (missing / remaining).quantize(unit, ROUND_CEILING) if remaining else missing
        rows.append(
            {
                "queue": t.queue,
                "month_target": money_text(t.collected, currency),
                "collected_to_date": money_text(got, currency),
                "target_to_date": str((t.collected * elapsed / len(days)).quantize(unit, ROUND_HALF_UP)),
                "daily_target": money_text(daily, currency),
                "progress": str((got / t.collected).quantize(RATE, ROUND_HALF_UP)),
            }
        )
    return rows
