"""Rosters (`kind: roster` files): who works which queue, in which languages, how much, when.

A roster is declarative like a playbook and a targets file: validated by an `extra="forbid"`
model with every fault at `FILE:LINE:COL`, stored as an immutable version and approved by a
second person (`engine.store.roster`); the daily run allocates with the roster approved last
(`engine.run.allocate`). The contract ("Collectors' day: roster and worklists") fixes the
collectors' fields; this file adds a handle time, and agencies with the fields their
contract lets them see unmasked (their placement files, `engine.allocate.placements`).

May import: `engine.contracts` and this package's YAML helpers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from engine.contracts import digest
from engine.contracts.facts import HHMM, Zone
from engine.playbook.yaml_models import Located, declares_kind, read_yaml_mapping, validate_located

KIND = "roster"
Ident = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")]
Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}$", description="ISO 639 code, e.g. zh, en")]
# What a placement file may carry; `masked` fields are masked unless the agency's contract unmasks them.
AgencyField = Literal["account_id", "debtor_id", "name", "phone", "email", "balance", "currency", "dpd", "jurisdiction"]


def _label(value: object) -> object:
    """`version: 3` and `version: "3"` are the same label."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _minutes(hhmm: str) -> int:
    hour, minute = hhmm.split(":")
    return int(hour) * 60 + int(minute)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Collector(_Model):
    """One collector's day: queues and languages served, cases a day, hours, zone, absences."""

    id: Ident
    queues: list[Ident] = Field(min_length=1, description="collector queues of the playbooks")
    languages: list[Language] = Field(min_length=1)
    capacity: int = Field(ge=0, le=10_000, description="cases a day at most")
    hours: tuple[HHMM, HHMM] = Field(description='working hours ["HH:MM", "HH:MM"] in the collector\'s zone')
    timezone: Zone | None = Field(default=None, description="default: the roster's")
    absent: list[date] = Field(default_factory=list, description="days off: no cases those days")

    @model_validator(mode="after")
    def _hours_order(self) -> Collector:
        if _minutes(self.hours[0]) >= _minutes(self.hours[1]):
            raise Located(("hours",), f"hours {self.hours[0]}–{self.hours[1]}: the start must be before the end")
        return self


class Agency(_Model):
    """A licensed agency: the agency queues it takes and what its placement file may show."""

    id: Ident
    queues: list[Ident] = Field(min_length=1, description="agency queues of the playbooks")
    fields: list[AgencyField] = Field(
        default_factory=lambda: ["account_id", "balance", "currency", "dpd"],
        description="columns of the placement file, in order",
    )
    unmasked: list[AgencyField] = Field(
        default_factory=list, description="personal fields the agency's contract lets it see unmasked"
    )


class Roster(_Model):
    """Collectors and agencies (roster language version 1)."""

    kind: Literal["roster"] = Field(description="marks the file as a roster for `arrears validate`")
    version: Annotated[str, BeforeValidator(_label)] = Field(min_length=1, description="the owner's version label")
    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)
    timezone: Zone = Field(description="the collectors' zone unless one names its own")
    handle_minutes: int = Field(default=10, ge=1, le=480, description="minutes a worklist slot lasts")
    collectors: list[Collector] = Field(default_factory=list)
    agencies: list[Agency] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Roster:
        seen: set[str] = set()
        for kind, people in (("collectors", self.collectors), ("agencies", self.agencies)):
            for i, who in enumerate(people):
                if who.id in seen:
                    raise Located((kind, i, "id"), f"{who.id!r} is listed twice")
                seen.add(who.id)
        for i, c in enumerate(self.collectors):
            for j, day in enumerate(c.absent):
                if day in c.absent[:j]:
                    raise Located(("collectors", i, "absent", j), f"{day} is listed twice")
        taken: dict[str, str] = {}
        for i, a in enumerate(self.agencies):
            for j, queue in enumerate(a.queues):
                if queue in taken:
                    raise Located(("agencies", i, "queues", j), f"queue {queue!r} is already {taken[queue]}'s")
                taken[queue] = a.id
        if not self.collectors and not self.agencies:
            raise Located(("collectors",), "a roster names at least one collector or agency")
        return self

    def zone_of(self, collector: Collector) -> str:
        return collector.timezone or self.timezone


@dataclass(frozen=True)
class LoadedRoster:
    path: Path
    roster: Roster
    sha256: str
    content: str

    @property
    def identity(self) -> dict[str, str]:
        return {"name": self.roster.name, "version": str(self.roster.version), "sha256": self.sha256}


def declares_roster(path: str | Path) -> bool:
    """Rosters say `kind: roster` at the top level; `arrears validate` and `activate` dispatch on it."""
    return declares_kind(path, KIND)


def load_roster(path: str | Path) -> LoadedRoster:
    """Read and validate one roster; `InputError` names every fault at FILE:LINE:COL."""
    raw, doc = read_yaml_mapping(path, "roster")
    roster = validate_located(Roster, doc, "roster")
    return LoadedRoster(Path(path), roster, digest.content_sha256(b"arrears-roster-v1", raw, {}), raw.decode())
