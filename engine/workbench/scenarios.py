"""Feature files run against one playbook with the shipped step library: `arrears playbook test`.

Why not `pytest.main`: a strategy owner's run must not depend on where it starts (pytest
would pick up any `conftest.py`, `pytest.ini` and auto-loaded plugins it finds), must name
an unknown step's file and line *before* anything runs, and must say in plain words what a
failing step expected and got. So the features are parsed with the official Gherkin parser
(`gherkin-official`, the one pytest-bdd uses), every step is matched against the step
library's registry (engine/workbench/steplib.py) up front, and then each scenario runs its
steps in order on a fresh `Journey`. The test suite runs the same step functions through
pytest-bdd (tests/steps/decision_steps.py), so CI and strategy owners cannot disagree.

Supported Gherkin: Feature, Rule, Background, Scenario, Scenario Outline with Examples
(`<name>` placeholders), And/But/`*` (they continue the previous step's kind).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gherkin.errors import CompositeParserException, ParserError
from gherkin.parser import Parser
from gherkin.token_scanner import TokenScanner

from engine.compliance.adapter import ComplianceUnavailable
from engine.contracts.errors import InputError, Problem
from engine.workbench.journey import Journey, NotApplicable, Playbooks
from engine.workbench.steplib import Kind, StepDef, library

KINDS: dict[str, Kind] = {"Context": "given", "Action": "when", "Outcome": "then"}


@dataclass(frozen=True)
class PlannedStep:
    keyword: str
    text: str
    line: int
    definition: StepDef
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Scenario:
    feature: str
    name: str
    line: int
    steps: tuple[PlannedStep, ...]


@dataclass
class Outcome:
    """One scenario's result: `passed`, `failed` or `skipped` (about another playbook)."""

    scenario: Scenario
    status: str
    step: PlannedStep | None = None
    reason: str = ""
    passed_steps: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        s = self.scenario
        out: dict[str, Any] = {"feature": s.feature, "scenario": s.name, "line": s.line, "status": self.status}
        if self.step is not None:
            out["step"] = {"line": self.step.line, "text": f"{self.step.keyword}{self.step.text}"}
        if self.reason:
            out["reason"] = self.reason
        return out


def _parse(path: Path) -> dict[str, Any]:
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.at(label, 1, 1, f"cannot read feature file: {exc}") from None
    try:
        document: dict[str, Any] = Parser().parse(TokenScanner(text))
    except CompositeParserException as exc:
        raise InputError([_problem(label, e) for e in exc.errors]) from None
    except ParserError as exc:
        raise InputError([_problem(label, exc)]) from None
    if document.get("feature") is None:
        raise InputError.at(label, 1, 1, "no `Feature:` in this file")
    return document


def _problem(label: str, error: Any) -> Problem:
    where = getattr(error, "location", None) or {}
    message = str(error).split(": ", 1)[-1] if str(error).startswith("(") else str(error)
    return Problem(label, int(where.get("line") or 1), int(where.get("column") or 1), f"Gherkin: {message}")


def _raw_scenarios(feature: dict[str, Any]) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(scenario, background steps) of the feature and its rules, in file order."""
    background: list[dict[str, Any]] = []
    for child in feature.get("children", []):
        if "background" in child:
            background = list(child["background"]["steps"])
        elif "scenario" in child:
            yield child["scenario"], background
        elif "rule" in child:
            inner = background
            for grandchild in child["rule"].get("children", []):
                if "background" in grandchild:
                    inner = background + list(grandchild["background"]["steps"])
                elif "scenario" in grandchild:
                    yield grandchild["scenario"], inner


def _examples(scenario: dict[str, Any]) -> Iterator[tuple[str, dict[str, str]]]:
    """Each Examples row as (suffix for the name, placeholder values); one plain run without."""
    tables = [e for e in scenario.get("examples", []) if e.get("tableHeader")]
    if not tables:
        yield "", {}
        return
    for table in tables:
        names = [c["value"] for c in table["tableHeader"]["cells"]]
        for row in table.get("tableBody", []):
            values = dict(zip(names, (c["value"] for c in row["cells"]), strict=True))
            yield " [" + ", ".join(f"{k}={v}" for k, v in values.items()) + "]", values


def _substitute(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace(f"<{name}>", value)
    return text


def _match(label: str, raw: dict[str, Any], kind: Kind, text: str, steps: list[StepDef]) -> PlannedStep:
    line, col = raw["location"]["line"], raw["location"]["column"]
    if raw.get("dataTable") or raw.get("docString"):
        raise InputError.at(label, line, col, "the step library's steps take no table or doc string")
    for definition in steps:
        if definition.kind == kind:
            arguments = definition.match(text)
            if arguments is not None:
                return PlannedStep(raw["keyword"], text, line, definition, arguments)
    known = [d.text for d in steps if d.kind == kind]
    close = difflib.get_close_matches(text, known, n=3, cutoff=0.3)
    hint = "; closest known steps: " + " | ".join(f"{kind.capitalize()} {c}" for c in close) if close else ""
    raise InputError.at(label, line, col, f"unknown {kind} step: {raw['keyword'].strip()} {text}{hint}")


def plan(paths: list[Path]) -> list[Scenario]:
    """Every scenario of the files with each step matched to the library; all unknown steps
    and Gherkin errors of all files are reported together (`InputError`), before anything runs."""
    steps = library()
    scenarios: list[Scenario] = []
    problems: list[Problem] = []
    for path in paths:
        label = str(path)
        try:
            document = _parse(path)
        except InputError as exc:
            problems += exc.problems
            continue
        for raw, background in _raw_scenarios(document["feature"]):
            for suffix, values in _examples(raw):
                planned: list[PlannedStep] = []
                kind: Kind = "given"
                for step in [*background, *raw["steps"]]:
                    kind = KINDS.get(step.get("keywordType", ""), kind)
                    try:
                        planned.append(_match(label, step, kind, _substitute(step["text"], values), steps))
                    except InputError as exc:
                        problems += exc.problems
                scenarios.append(Scenario(label, raw["name"] + suffix, raw["location"]["line"], tuple(planned)))
    if problems:
        raise InputError(list(dict.fromkeys(problems)))
    return scenarios


def run(scenario: Scenario, playbooks: Playbooks) -> Outcome:
    """Run one scenario's steps in order on a fresh journey; the first failing step ends it."""
    journey = Journey(playbooks=playbooks)
    outcome = Outcome(scenario, "passed")
    for step in scenario.steps:
        try:
            step.definition.func(journey, **step.arguments)
        except NotApplicable as exc:
            return Outcome(scenario, "skipped", step, str(exc))
        except ComplianceUnavailable:
            raise  # fail closed: no verdict without the compliance pack
        except AssertionError as exc:
            return Outcome(scenario, "failed", step, str(exc) or "the check did not hold", outcome.passed_steps)
        except (InputError, ValueError, KeyError) as exc:
            return Outcome(scenario, "failed", step, f"the step could not run: {exc}", outcome.passed_steps)
        outcome.passed_steps.append(f"{step.keyword}{step.text}")
    return outcome
