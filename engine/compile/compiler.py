"""Compile a validated `Playbook` into a `Program` of uniquely named rules.

Rule ids are `<kind>.<id>` (`segment.high_value`, `stage.remind`, `treatment.remind_sms`,
`channel.remind_sms.1`, `offer.instalments`, `path.sms_ignored`, `lost_contact`, `task.skip`,
`fraud.multi_borrowing`, …). They appear in each decision's `fired_rules`, so they must stay
stable for a given playbook.
"""

from __future__ import annotations

from functools import lru_cache

from engine.compile.condition_ast import Aggregate, Expr, Field, operands
from engine.compile.parser import parse_condition
from engine.compile.program import Program, Rule
from engine.compile.simplify import simplify
from engine.playbook.model import Playbook


@lru_cache(maxsize=4096)
def parsed(text: str) -> Expr:
    return simplify(parse_condition(text))


def rule_entries(playbook: Playbook) -> list[tuple[str, str]]:
    """(rule id, condition text) for every condition of the playbook, in playbook order."""
    out: list[tuple[str, str]] = [(f"segment.{s.id}", s.when) for s in playbook.segments]
    out += [(f"priority.{r.id}", r.when) for r in playbook.priority.rules]
    if playbook.fraud:
        out += [(f"fraud.{r.id}", r.when) for r in playbook.fraud.rules]
    out += [(f"pause.{p.id}", p.when) for p in playbook.pauses]
    for stage in playbook.stages:
        out.append((f"stage.{stage.id}", stage.when))
        out += [(f"assign.{r.id}", r.when) for r in stage.assign_rules]
        out += [(f"offer.{o.id}", o.when) for o in stage.offers]
        out += [(f"task.{t.id}", t.when) for t in stage.tasks]
    for t in playbook.all_treatments():
        out.append((f"treatment.{t.id}", t.when))
        if isinstance(t.channel, list):
            out += [(f"channel.{t.id}.{i}", c.when) for i, c in enumerate(t.channel)]
    out += [(f"path.{p.id}", p.when) for p in playbook.contact_path]
    if playbook.lost_contact:
        out.append(("lost_contact", playbook.lost_contact.when))
        out += [(f"task.{t.id}", t.when) for t in playbook.lost_contact.tasks]
    out += [(f"incentive.{i.id}", i.when) for i in playbook.incentives]
    return out


def compile_playbook(playbook: Playbook) -> Program:
    rules = tuple(Rule(rid, text, parsed(text)) for rid, text in rule_entries(playbook))
    seen: dict[Field | Aggregate, None] = {}
    for rule in rules:
        for op in operands(rule.expr):
            seen.setdefault(op, None)
    return Program(name=playbook.name, rules=rules, operands=tuple(seen))
