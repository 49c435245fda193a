"""The emergency plan (`playbooks/emergency.yaml`): three tiers and the correlation rules.

The plan is playbook content, validated like a playbook: unknown keys are errors, every
fault is reported as `FILE:LINE:COL: message`, and every notice template is rendered at
load time against a sample emergency (sandboxed Jinja, StrictUndefined), so a notice to
the legal team can never go out with a blank field.

Per tier the plan says: the default scope; what is suspended (all outbound, or some
channels / kinds, with optional exceptions such as replies to the debtor); reassignment
(e.g. to a senior mediator); the notices to roles with their acknowledgement deadlines and
whom to escalate to; the cooling-off length (the minimum time contact stays suspended from
the declaration, even after a stand-down); who may stand it down (Tier 1: two people); who
may end its cooling-off early (default: two people); and which scopes it may cover (`scopes`:
Tier 3 is one account or debtor, never `all`). `emergency.lifecycle` holds the life cycle.

Correlation rules turn ingested events (complaints, media, emotion, regulator) into
declarations: `count` matching events about one `group_by` subject within `within`. A Tier 1
rule can only *propose*: a person confirms it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from emergency.scope import Scope, parse_scope
from engine.contracts.digest import content_sha256
from engine.contracts.errors import InputError, Problem
from engine.contracts.facts import ActionKind, Channel
from engine.playbook.templates import TemplateSet
from engine.playbook.yaml_models import read_yaml_mapping, validate_document

DEFAULT_PLAN = Path(__file__).resolve().parent.parent / "playbooks" / "emergency.yaml"
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
_DURATION = re.compile(r"^(\d+)\s*([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
EVENT_KINDS = ("complaint", "media", "emotion_escalation", "regulator_complaint")
GROUP_FIELDS = ("account_id", "debtor_id", "collector", "agency", "jurisdiction", "segment", "lender")


def parse_duration(text: str | int) -> timedelta:
    """`90s`, `30m`, `24h`, `2d` (or a number of seconds) as a timedelta."""
    if isinstance(text, int) and not isinstance(text, bool) and text >= 0:
        return timedelta(seconds=text)
    match = _DURATION.match(str(text).strip())
    if not match:
        raise ValueError(f"duration must look like 30m, 24h or 2d, got {text!r}")
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


def _duration(value: str | int) -> str | int:
    parse_duration(value)
    return value


def _scope_text(value: str) -> str:
    try:
        parse_scope(value)
    except InputError as exc:
        raise ValueError(exc.problems[0].message) from None
    return value


Duration = Annotated[str | int, AfterValidator(_duration)]
ScopeText = Annotated[str, AfterValidator(_scope_text)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Suspension(Model):
    """What a tier stops. `all` everywhere means every outbound contact in scope."""

    channels: Literal["all"] | list[Channel] = "all"
    kinds: Literal["all"] | list[ActionKind] = "all"
    except_kinds: list[ActionKind] = Field(default_factory=list, description="still allowed, e.g. reply_to_debtor")

    def blocks(self, channel: str | None, kind: str | None) -> bool:
        if kind in self.except_kinds:
            return False
        if self.channels != "all" and channel not in self.channels:
            return False
        return self.kinds == "all" or kind in self.kinds

    def describe(self) -> str:
        what = "all outbound contact" if self.channels == "all" else "outbound " + "/".join(self.channels)
        if self.kinds != "all":
            what += " of kinds " + "/".join(self.kinds)
        if self.except_kinds:
            what += " except " + "/".join(self.except_kinds)
        return what


class Reassignment(Model):
    """Where accounts in scope go while the emergency lasts (D11: a senior mediator)."""

    kind: Literal["collector", "robot", "agency", "legal", "none"]
    queue: str | None = None


class Notice(Model):
    """A notice to a role, rendered from a template and filed to the internal notices outbox."""

    id: Identifier
    role: Identifier
    template: str
    title: str
    acknowledge_within: Duration
    escalate_to: Identifier | None = None


class StandDown(Model):
    """Who may stand a tier down: `people` distinct persons, optionally from a named list."""

    people: int = Field(default=1, ge=1, le=5)
    allowed: list[str] | None = Field(default=None, description="null: any named person")


ScopeKey = Literal["all", "account", "debtor", "segment", "collector", "agency", "jurisdiction"]


class Tier(Model):
    name: str
    description: str = ""
    scopes: list[ScopeKey] = Field(
        min_length=1, description="what a declaration of this tier may cover: `all` and/or scope keys"
    )
    default_scope: ScopeText | None = Field(default=None, description="for drills without --scope; null: none")
    suspend: Suspension = Field(default_factory=Suspension)
    reassign: Reassignment | None = None
    notices: list[Notice] = Field(default_factory=list)
    cooling_off: Duration = "0h"
    stand_down: StandDown = Field(default_factory=StandDown)
    end_cooling_off: StandDown = Field(
        default_factory=lambda: StandDown(people=2),
        description="who may end the cooling-off early (default: two distinct people, four eyes)",
    )

    @model_validator(mode="after")
    def _unique_notices(self) -> Tier:
        ids = [n.id for n in self.notices]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate notice ids: {', '.join(dupes)}")
        return self

    @field_validator("default_scope")
    @classmethod
    def _default_in_scopes(cls, value: str | None, info: ValidationInfo) -> str | None:
        """A default the tier could not be declared with would fail only at drill time."""
        fault = scope_fault(info.data.get("scopes") or [], parse_scope(value)) if value is not None else None
        if fault:
            raise ValueError(f"default_scope {value!r}: {fault}")
        return value

    def check_scope(self, scope: Scope, tier: int) -> None:
        """An `InputError` on `--scope` when this tier may not cover `scope` (plan `scopes`)."""
        fault = scope_fault(self.scopes, scope)
        if fault:
            raise InputError.at("--scope", 0, 0, f"tier {tier} ({self.name}): scope {scope}: {fault}")


def scope_fault(allowed: list[str], scope: Scope) -> str | None:
    """Why `scope` is outside `allowed` (the tier's `scopes`), or None when it fits.
    `all` must be listed to be allowed; otherwise every key of the scope must be listed."""
    if scope.is_all:
        return None if "all" in allowed else f"`all` is not allowed; use {describe_scopes(allowed)}"
    extra = [key for key, _ in scope.terms if key not in allowed]
    if extra:
        return f"key {', '.join(extra)} is not allowed; use {describe_scopes(allowed)}"
    return None


def describe_scopes(allowed: list[str]) -> str:
    """`all or jurisdiction=…`: the tier's allowed scopes as a user would type them."""
    return " or ".join(s if s == "all" else f"{s}=…" for s in allowed)


class Then(Model):
    tier: Literal[1, 2, 3]
    scope: str = Field(description="a scope; `{field}` is filled from the event, e.g. collector={collector}")
    mode: Literal["declare", "propose"] = "declare"

    @model_validator(mode="after")
    def _tier1_is_a_proposal(self) -> Then:
        if self.tier == 1 and self.mode != "propose":
            raise ValueError("an automatic Tier 1 must be `mode: propose`: a person confirms it")
        probe = re.sub(r"\{([a-z_]+)\}", "x", self.scope)
        for name in re.findall(r"\{([^}]*)\}", self.scope):
            if name not in GROUP_FIELDS:
                raise ValueError(f"scope placeholder {{{name}}} is not an event field ({', '.join(GROUP_FIELDS)})")
        _scope_text(probe.replace("jurisdiction=x", "jurisdiction=US"))
        return self


class Correlation(Model):
    """`count` events of `event` kind, equal to `where`, about one `group_by` subject, within `within`."""

    id: Identifier
    description: str = ""
    event: Literal["complaint", "media", "emotion_escalation", "regulator_complaint"]
    where: dict[str, str | bool] = Field(default_factory=dict)
    group_by: Literal["account_id", "debtor_id", "collector", "agency", "jurisdiction", "segment", "lender"] | None = (
        None
    )
    count: int = Field(default=1, ge=1, le=20)
    within: Duration = "0s"
    then: Then

    @model_validator(mode="after")
    def _window(self) -> Correlation:
        if self.count > 1 and parse_duration(self.within).total_seconds() <= 0:
            raise ValueError("a rule counting more than one event needs a `within` window")
        for name in re.findall(r"\{([a-z_]+)\}", self.then.scope):
            if name != self.group_by:
                raise ValueError(f"scope placeholder {{{name}}} must be the rule's group_by ({self.group_by})")
        return self


class Lender(Model):
    name: str


class Plan(Model):
    kind: Literal["emergency_plan"] = Field(description="marks the file as an emergency plan for `arrears validate`")
    version: Literal[1]
    name: str
    lender: Lender
    locale: str = "en_US"
    templates_dir: str = "templates/emergency"
    roles: dict[Identifier, str] = Field(description="role → the address its notices go to")
    tiers: dict[Literal[1, 2, 3], Tier]
    correlations: list[Correlation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _complete(self) -> Plan:
        missing = sorted({1, 2, 3} - set(self.tiers))
        if missing:
            raise ValueError(f"tiers {missing} missing: a plan defines tiers 1, 2 and 3")
        if self.tiers[1].stand_down.people < 2:
            raise ValueError("tier 1 stand-down needs two distinct people (stand_down.people: 2)")
        for tier in self.tiers.values():
            for notice in tier.notices:
                for role in (notice.role, notice.escalate_to):
                    if role and role not in self.roles:
                        raise ValueError(f"notice {notice.id}: role {role!r} is not in roles")
        ids = [c.id for c in self.correlations]
        if len(ids) != len(set(ids)):
            raise ValueError("correlation ids must be unique")
        return self


@dataclass(frozen=True)
class LoadedPlan:
    """A validated plan, its templates and the sha256 naming this exact content."""

    path: Path
    plan: Plan
    templates: TemplateSet
    sha256: str

    @property
    def file_name(self) -> str:
        return self.path.name

    def tier(self, n: int) -> Tier:
        return self.plan.tiers[n]  # type: ignore[index]

    def citation(self, tier: int) -> str:
        return f"Arrears emergency plan {self.file_name} tier {tier}"

    def default_scope(self, tier: int) -> Scope | None:
        text = self.tier(tier).default_scope
        return parse_scope(text) if text is not None else None


def sample_context(plan: Plan, tier: int = 2, drill: bool = False) -> dict[str, Any]:
    """The variables a notice template may use (the same shape at load time and at run time)."""
    return notice_context(
        plan,
        emergency_id="EM-SAMPLE",
        tier=tier,
        scope="collector=c7",
        reason="three complaints about collector c7 within 24 hours",
        declared_by="ops.sample",
        declared_at=datetime(2026, 1, 1, 9, 0, tzinfo=UTC),
        drill=drill,
        source="manual",
    )


def notice_context(
    plan: Plan,
    *,
    emergency_id: str,
    tier: int,
    scope: str,
    reason: str,
    declared_by: str,
    declared_at: datetime,
    drill: bool,
    source: str,
) -> dict[str, Any]:
    t = plan.tiers[tier]  # type: ignore[index]
    return {
        "emergency": {
            "id": emergency_id,
            "tier": tier,
            "tier_name": t.name,
            "scope": scope,
            "reason": reason,
            "declared_by": declared_by,
            "declared_at": declared_at.isoformat(),
            "source": source,
            "suspended": t.suspend.describe(),
            "reassign": t.reassign.model_dump() if t.reassign else None,
            "cooling_off": str(t.cooling_off),
        },
        "drill": drill,
        "lender": plan.lender.model_dump(),
    }


def load_plan(path: str | Path = DEFAULT_PLAN) -> LoadedPlan:
    """Read and fully validate an emergency plan; `InputError` lists every fault."""
    path = Path(path)
    name = str(path)
    raw, doc = read_yaml_mapping(path, "emergency plan")
    plan = validate_document(Plan, doc, "plan")
    tdir = path.parent / plan.templates_dir
    sources: dict[str, str] = {}
    problems: list[Problem] = []
    for n, tier in plan.tiers.items():
        for i, notice in enumerate(tier.notices):
            file = tdir / notice.template
            if not (file.is_file() and file.resolve().is_relative_to(tdir.resolve())):
                mark = doc.locate(("tiers", n, "notices", i, "template"))
                problems.append(Problem(name, mark.line, mark.col, f"template {notice.template!r} not found in {tdir}"))
                continue
            sources[notice.template] = file.read_text(encoding="utf-8")
    templates = TemplateSet(sources, plan.locale)
    for n, tier in plan.tiers.items():
        for notice in tier.notices:
            if notice.template not in sources:
                continue
            fault = templates.fault(notice.template)
            for drill in (False, True):
                if fault:
                    break
                _, fault = templates.try_render(notice.template, sample_context(plan, n, drill))
            if fault:
                problems.append(Problem(str(tdir / notice.template), fault.line or 1, 1, fault.message))
    if problems:
        raise InputError(problems)
    sha256 = content_sha256(b"arrears-emergency-plan-v1", raw, sources)
    return LoadedPlan(path=path, plan=plan, templates=templates, sha256=sha256)


@lru_cache(maxsize=8)
def cached_plan(path: str = str(DEFAULT_PLAN)) -> LoadedPlan:
    """The plan at `path`, loaded once per process (the CLI and flows read it repeatedly)."""
    return load_plan(path)
