"""The playbook language, version 1, as pydantic models.

A playbook is what a strategy owner writes: which accounts it covers, how they are segmented
and prioritised, the five stages of the collection method with their treatments, offers and
assignment, the dynamic contact path, lost-contact tasks, the fraud scorecard, pauses, and
any tightening of the jurisdiction's compliance limits. Every model forbids unknown keys,
and every `when:` is parsed here, so a typo fails validation at its line instead of being
ignored. `docs/playbook.schema.json` is generated from these models (`python -m engine.playbook.schema`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from engine.compile.fields import vocabulary
from engine.compile.parser import parse_condition
from engine.contracts.facts import HHMM, ActionKind, Channel, Jurisdiction, Zone

STAGES = ("remind", "negotiate", "pressure", "legal_warning", "enforcement")
StageName = Literal["remind", "negotiate", "pressure", "legal_warning", "enforcement"]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


def _condition(text: str) -> str:
    parse_condition(text)  # raises ConditionError (a ValueError) with the offset
    return text


Condition = Annotated[
    str,
    AfterValidator(_condition),
    Field(
        description="A condition in the Arrears condition language, e.g. `dpd >= 31 and balance > 5000`. "
        + vocabulary()
    ),
]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AppliesTo(Model):
    """Which accounts the playbook covers; accounts outside get `stage: null`."""

    jurisdictions: list[Jurisdiction] = Field(min_length=1)
    products: list[str] | None = Field(default=None, description="null: every product")


class Lender(Model):
    """Facts about the lender that templates may print."""

    name: str
    phone: str | None = None
    website: str | None = None
    address: str | None = None


class Assignment(Model):
    """Who works the case (D24): a collector queue, a robot, an agency, legal, or nobody."""

    kind: Literal["collector", "robot", "agency", "legal", "none"]
    queue: str | None = None


class Segment(Model):
    """A customer segment (D1, D6); the first whose `when` holds is the account's segment."""

    id: Identifier
    when: Condition = "true"
    description: str = ""


class PointsRule(Model):
    """Points added when `when` holds (priority score, fraud scorecard)."""

    id: Identifier
    when: Condition
    points: int = Field(ge=-1000, le=1000)
    description: str = ""


class Priority(Model):
    """Priority score (D1, D16): base plus the points of every matching rule, clamped."""

    base: int = 0
    min: int = 0
    max: int = 100
    rules: list[PointsRule] = Field(default_factory=list)


class Allocation(Model):
    """How the daily run shares the collectors' day (D16, D24): the top value band's share of
    each queue's capacity (the 80/20 rule), and where the cases that do not fit go."""

    top_band_priority: int = Field(default=80, description="cases with priority >= this are the top value band")
    top_band_share: float = Field(
        default=1.0,
        ge=0,
        le=1,
        description="share of a queue's capacity kept first for the top band (1: plain priority order)",
    )
    overflow: str = Field(
        default="robot",
        pattern=r"^(robot|queue [A-Za-z0-9][A-Za-z0-9_.:-]*)$",
        description="`robot` (the robot queue) or `queue NAME` (that collector queue, then the robot queue)",
    )
    robot_queue: str = Field(default="robot-overflow", min_length=1, max_length=128)

    @property
    def overflow_queue(self) -> str | None:
        return self.overflow.removeprefix("queue ") if self.overflow.startswith("queue ") else None


class Fraud(Model):
    """Anti-fraud scorecard (D12): at or above `threshold`, collection stops and the case
    goes to the fraud queue."""

    threshold: int = Field(gt=0)
    queue: str = "fraud-review"
    rules: list[PointsRule] = Field(min_length=1)


class Pause(Model):
    """Flags or facts that pause treatment (D11, D18): e.g. an open complaint means a
    cooling-off period and a hand-over to a senior mediator."""

    id: Identifier
    when: Condition
    reason: str
    cooling_off_days: int = Field(default=0, ge=0)
    assign: Assignment | None = None
    allow_kinds: list[ActionKind] = Field(default_factory=list, description="action kinds still sent during the pause")
    treatments: list[Treatment] = Field(
        default_factory=list,
        description="contacts the pause itself makes (e.g. a closure notice after a cease request)",
    )


class ChannelChoice(Model):
    """One option in a channel choice by profile (D6, D7): the first whose `when` holds."""

    when: Condition = "true"
    use: Channel
    template: str | None = Field(default=None, description="overrides the treatment's template")


class Treatment(Model):
    """One contact the stage makes (D3): channel, message, kind, timing."""

    id: Identifier
    when: Condition = "true"
    channel: Channel | list[ChannelChoice]
    template: str
    kind: ActionKind
    hours: tuple[HHMM, HHMM] | None = Field(
        default=None, description="preferred local hours [from, to) in the debtor's time zone"
    )
    repeat_after_days: int = Field(default=1, ge=0, description="minimum days between two sends")
    deadline_days: int = Field(default=7, ge=0, description="payment deadline printed in the message")
    recorded: bool = True
    reschedule_when_blocked: bool = Field(
        default=True, description="a call blocked only for timing is moved to the next allowed time"
    )
    by: str | None = Field(default=None, description="sender id; default: the stage's queue")


class Offer(Model):
    """What may be offered (D4): instalments and fee waivers within caps, with an approval
    threshold above which a supervisor must approve, and the consequence of default."""

    id: Identifier
    when: Condition = "true"
    kind: Literal["instalment_plan", "fee_waiver", "settlement"]
    max_instalments: int | None = Field(default=None, ge=1, le=120)
    min_instalment: Decimal | None = Field(default=None, ge=0)
    max_waiver_pct: Decimal = Field(default=Decimal(0), ge=0, le=100)
    approval_above_pct: Decimal | None = Field(default=None, ge=0, le=100)
    consequence_of_default: str

    @model_validator(mode="after")
    def _approval_below_cap(self) -> Offer:
        if self.approval_above_pct is not None and self.approval_above_pct > self.max_waiver_pct:
            raise ValueError("approval_above_pct cannot exceed max_waiver_pct")
        if self.kind == "instalment_plan" and self.max_instalments is None:
            raise ValueError("an instalment_plan needs max_instalments")
        return self


class Incentive(Model):
    """Reward for early repayment (D8), framed as loss aversion or gain."""

    id: Identifier
    when: Condition = "true"
    pay_within_days: int = Field(ge=1)
    waive_late_fees_pct: Decimal = Field(default=Decimal(0), ge=0, le=100)
    framing: Literal["loss_aversion", "gain"] = "loss_aversion"
    description: str


class AssignRule(Model):
    """An override of the stage's default assignment (D5, D22, D24)."""

    id: Identifier
    when: Condition
    assign: Assignment


class Stage(Model):
    """One step of the five-step method (D2), entered when `when` holds; the first
    matching stage in playbook order is the account's stage."""

    id: StageName
    when: Condition
    description: str = ""
    assign: Assignment
    assign_rules: list[AssignRule] = Field(default_factory=list)
    treatments: list[Treatment] = Field(default_factory=list)
    offers: list[Offer] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list, description="work items opened while in this stage")


class PathRule(Model):
    """Dynamic contact path (D25): when `when` holds, treatments on `from_channel` move to
    `to_channel` (e.g. two unread SMS in a week → a call)."""

    id: Identifier
    when: Condition
    from_channel: Channel
    to_channel: Channel
    template: str | None = Field(default=None, description="template for the new channel")
    stages: list[StageName] | None = Field(default=None, description="only in these stages (null: every stage)")


class Task(Model):
    """A work item that is not a contact: skip tracing, a field visit (D9)."""

    id: Identifier
    when: Condition = "true"
    kind: Literal["skip_trace", "field_visit", "legal_review", "mediator_callback"]
    provider: str = Field(description="data provider, licensed agency or team that does it")


class LostContact(Model):
    """Lost contact (D9): when `when` holds, the tasks whose `when` holds are opened and
    no contact is attempted on unreachable channels."""

    when: Condition = "'lost_contact' in flags"
    tasks: list[Task] = Field(min_length=1)


class Promises(Model):
    """How the playbook reads promises to pay (the contract's life cycle)."""

    grace_days: int = Field(
        default=0,
        ge=0,
        le=30,
        description="days after `due` a promise may still be kept; it is broken the day after due + grace",
    )


class Playbook(Model):
    """A collection strategy for one portfolio."""

    version: Literal[1] = Field(description="the playbook language version")
    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)
    revision: str = Field(min_length=1, description="the strategy owner's version label")
    description: str = ""
    applies_to: AppliesTo
    locale: str = Field(default="en_US", pattern=r"^[a-z]{2}(_[A-Z]{2})?$")
    timezone: Zone = Field(description="default local zone for debtors whose zone is unknown")
    lender: Lender
    templates_dir: str = "templates"
    sample_account: dict[str, Any] | None = Field(
        default=None, description="account facts used to render every template at validation"
    )
    segments: list[Segment] = Field(min_length=1)
    priority: Priority = Field(default_factory=Priority)
    allocation: Allocation = Field(default_factory=Allocation)
    fraud: Fraud | None = None
    pauses: list[Pause] = Field(default_factory=list)
    stages: list[Stage] = Field(min_length=1)
    treatments: list[Treatment] = Field(
        default_factory=list,
        description="treatments that apply in every stage (e.g. statutory notices), after the stage's own",
    )
    contact_path: list[PathRule] = Field(default_factory=list)
    lost_contact: LostContact | None = None
    incentives: list[Incentive] = Field(default_factory=list)
    promises: Promises = Field(default_factory=Promises)
    compliance: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="tightening of compliance rule parameters, by rule id"
    )

    def all_treatments(self) -> list[Treatment]:
        """Every treatment: the stages', the playbook-wide ones, and the pauses'."""
        return (
            [t for s in self.stages for t in s.treatments]
            + list(self.treatments)
            + [t for p in self.pauses for t in p.treatments]
        )

    @model_validator(mode="after")
    def _unique_ids(self) -> Playbook:
        def dupes(kind: str, ids: list[str]) -> None:
            seen: set[str] = set()
            for item in ids:
                if item in seen:
                    raise ValueError(f"duplicate {kind} id {item!r}")
                seen.add(item)

        dupes("segment", [s.id for s in self.segments])
        dupes("stage", [s.id for s in self.stages])
        dupes("priority rule", [r.id for r in self.priority.rules])
        dupes("fraud rule", [r.id for r in self.fraud.rules] if self.fraud else [])
        dupes("pause", [p.id for p in self.pauses])
        dupes("path rule", [p.id for p in self.contact_path])
        dupes("incentive", [i.id for i in self.incentives])
        dupes("treatment", [t.id for t in self.all_treatments()])
        dupes("offer", [o.id for s in self.stages for o in s.offers])
        dupes("assign rule", [r.id for s in self.stages for r in s.assign_rules])
        lost_tasks = self.lost_contact.tasks if self.lost_contact else []
        dupes("task", [t.id for s in self.stages for t in s.tasks] + [t.id for t in lost_tasks])
        order = [STAGES.index(s.id) for s in self.stages]
        if order != sorted(order):
            raise ValueError("stages must follow the method's order: " + " → ".join(STAGES))
        if self.priority.min > self.priority.max:
            raise ValueError("priority.min is above priority.max")
        if not self.priority.min <= self.allocation.top_band_priority <= self.priority.max:
            raise ValueError("allocation.top_band_priority is outside priority.min..priority.max")
        return self
