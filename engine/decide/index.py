"""The playbook indexed for evaluation, built once per playbook (not once per account).

The compiler names every rule (`segment.<id>`, `stage.<id>`, `channel.<treatment>.<i>`, …;
see engine/compile/compiler.py). Here each playbook element is paired with its rule id, in
playbook order, so the per-account steps only test `rule_id in hits`; and each rule's text and
the operands it tests are looked up once, for the explanation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from engine.compile.condition_ast import Aggregate, operands
from engine.compile.program import Program
from engine.compile.reference import evaluate
from engine.playbook.loader import LoadedPlaybook
from engine.playbook.model import (
    AssignRule,
    ChannelChoice,
    Incentive,
    Offer,
    PathRule,
    Pause,
    Playbook,
    PointsRule,
    Segment,
    Stage,
    Task,
    Treatment,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Keyed(Generic[T]):
    """A playbook element and the id of the compiled rule that says whether it holds."""

    item: T
    rule_id: str


@dataclass(frozen=True)
class TreatmentRules:
    treatment: Treatment
    rule_id: str
    channels: tuple[Keyed[ChannelChoice], ...]  # empty when the treatment names one channel


@dataclass(frozen=True)
class StageRules:
    stage: Stage
    rule_id: str
    assign: tuple[Keyed[AssignRule], ...]
    tasks: tuple[Keyed[Task], ...]
    offers: tuple[Keyed[Offer], ...]
    treatments: tuple[TreatmentRules, ...]  # the stage's own, then the playbook-wide ones
    paths: tuple[Keyed[PathRule], ...]  # contact-path switches allowed in this stage


@dataclass(frozen=True)
class PauseRules:
    pause: Pause
    rule_id: str
    treatments: tuple[TreatmentRules, ...]


def _show(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple):
        return "[" + ",".join(map(str, value)) + "]"
    return "null" if value is None else str(value)


def _keyed(prefix: str, items: Sequence[Any]) -> tuple[Keyed[Any], ...]:
    return tuple(Keyed(item, f"{prefix}.{item.id}") for item in items)


def _treatment(t: Treatment) -> TreatmentRules:
    choices = t.channel if isinstance(t.channel, list) else []
    channels = tuple(Keyed(c, f"channel.{t.id}.{i}") for i, c in enumerate(choices))
    return TreatmentRules(t, f"treatment.{t.id}", channels)


def _stage(stage: Stage, pb: Playbook) -> StageRules:
    paths = [p for p in pb.contact_path if p.stages is None or stage.id in p.stages]
    return StageRules(
        stage=stage,
        rule_id=f"stage.{stage.id}",
        assign=_keyed("assign", stage.assign_rules),
        tasks=_keyed("task", stage.tasks),
        offers=_keyed("offer", stage.offers),
        treatments=tuple(_treatment(t) for t in [*stage.treatments, *pb.treatments]),
        paths=_keyed("path", paths),
    )


class Explainer:
    """Each rule's text and the operands it tests: `why(rule_id, values)` is one explanation line."""

    def __init__(self, program: Program) -> None:
        index = {op: i for i, op in enumerate(program.operands)}
        self._rules: dict[str, tuple[str, tuple[tuple[str, int], ...]]] = {}
        for rule in program.rules:
            tested = dict.fromkeys(index[op] for op in operands(rule.expr))
            names = tuple((_operand_name(program.operands[i]), i) for i in tested)
            self._rules[rule.id] = (rule.text, names)

    def why(self, rule_id: str, values: Sequence[Any]) -> str:
        text, tested = self._rules[rule_id]
        if not tested:
            return text
        return f"{text} [{', '.join(f'{name}={_show(values[i])}' for name, i in tested)}]"


def _operand_name(op: Any) -> str:
    return op.text if isinstance(op, Aggregate) else op.name


class PlaybookIndex:
    """One loaded playbook, its rule ids paired with its elements, and its explanations."""

    def __init__(self, loaded: LoadedPlaybook) -> None:
        pb = loaded.playbook
        self.loaded = loaded
        self.playbook: Playbook = pb
        self.zone = ZoneInfo(pb.timezone)
        self.explainer = Explainer(loaded.program)
        self.segments: tuple[Keyed[Segment], ...] = _keyed("segment", pb.segments)
        self.priority: tuple[Keyed[PointsRule], ...] = _keyed("priority", pb.priority.rules)
        self.fraud: tuple[Keyed[PointsRule], ...] = _keyed("fraud", pb.fraud.rules) if pb.fraud else ()
        self.stages: tuple[StageRules, ...] = tuple(_stage(s, pb) for s in pb.stages)
        self.pauses: tuple[PauseRules, ...] = tuple(
            PauseRules(p, f"pause.{p.id}", tuple(_treatment(t) for t in p.treatments)) for p in pb.pauses
        )
        self.lost_rule_id: str | None = "lost_contact" if pb.lost_contact else None
        self.lost_tasks: tuple[Keyed[Task], ...] = _keyed("task", pb.lost_contact.tasks) if pb.lost_contact else ()
        self.incentives: tuple[Keyed[Incentive], ...] = _keyed("incentive", pb.incentives)
        self.scope_text = self._scope_text()
        self._rules = {r.id: r for r in loaded.program.rules}
        self._operand_index = {op: i for i, op in enumerate(loaded.program.operands)}

    def why(self, rule_id: str, values: Sequence[Any]) -> str:
        return self.explainer.why(rule_id, values)

    def holds_by_reference(self, rule_id: str, values: Sequence[Any]) -> bool:
        """The plain-Python reference answer for one rule: a cross-check of the matcher."""
        rule = self._rules.get(rule_id)
        return rule is not None and bool(evaluate(rule.expr, lambda op: values[self._operand_index[op]]))

    def rule_ids(self) -> set[str]:
        """Every rule id the evaluation steps test (to check against the compiled program)."""
        keyed: list[Keyed[Any]] = [*self.segments, *self.priority, *self.fraud, *self.lost_tasks, *self.incentives]
        treatments = [t for p in self.pauses for t in p.treatments]
        named = {p.rule_id for p in self.pauses} | ({self.lost_rule_id} if self.lost_rule_id else set())
        for s in self.stages:
            named.add(s.rule_id)
            keyed += [*s.assign, *s.tasks, *s.offers, *s.paths]
            treatments += s.treatments
        for t in treatments:
            named.add(t.rule_id)
            keyed += t.channels
        return named | {k.rule_id for k in keyed}

    def _scope_text(self) -> str:
        scope = self.playbook.applies_to
        products = ", ".join(scope.products) if scope.products is not None else "any product"
        return f"playbook {self.playbook.name} covers {', '.join(scope.jurisdictions)} / {products}"
