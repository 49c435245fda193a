"""Load and fully validate a playbook: YAML, schema, conditions, templates, compliance limits.

Validation is all-or-nothing and reports every fault it can find as `FILE:LINE:COL: message`
(the playbook's line for schema faults, the template's line for template faults). What comes
out is a `LoadedPlaybook`: the model, its compiled rule program, its templates and the
sha256 that identifies this exact content in every decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.compile.program import Program
from engine.contracts import digest
from engine.contracts.errors import InputError, Problem
from engine.contracts.facts import Account, Action
from engine.playbook.model import Playbook
from engine.playbook.templates import TemplateSet, message_context
from engine.playbook.yaml_models import read_yaml_mapping, validate_document
from engine.playbook.yaml_source import YamlDocument

SAMPLE_ACCOUNTS: dict[str, dict[str, Any]] = {
    "CN": {"currency": "CNY", "timezone": "Asia/Shanghai", "phones": [{"number": "+8613800138000"}]},
    "US": {"currency": "USD", "timezone": "America/New_York", "phones": [{"number": "+12025550143"}]},
    "UK": {"currency": "GBP", "timezone": "Europe/London", "phones": [{"number": "+447700900123"}]},
}


@dataclass(frozen=True)
class LoadedPlaybook:
    path: Path
    playbook: Playbook
    sha256: str
    templates: TemplateSet
    program: Program
    compliance_limits: Any  # engine.compliance.limits.Limits

    @property
    def identity(self) -> dict[str, str]:
        return {"name": self.playbook.name, "version": self.playbook.revision, "sha256": self.sha256}


def _template_names(playbook: Playbook) -> dict[str, list[tuple[str, str, str]]]:
    """template → [(used by, channel, kind)] for every template the playbook names."""
    uses: dict[str, list[tuple[str, str, str]]] = {}
    for t in playbook.all_treatments():
        channels = [t.channel] if isinstance(t.channel, str) else [c.use for c in t.channel]
        uses.setdefault(t.template, []).extend((f"treatment {t.id}", ch, t.kind) for ch in channels)
        if isinstance(t.channel, list):
            for c in t.channel:
                if c.template:
                    uses.setdefault(c.template, []).append((f"treatment {t.id}", c.use, t.kind))
        for rule in playbook.contact_path:
            if rule.template and rule.from_channel in channels:
                uses.setdefault(rule.template, []).append((f"path {rule.id}", rule.to_channel, t.kind))
    for rule in playbook.contact_path:
        if rule.template:
            uses.setdefault(rule.template, [])
    return uses


def _sample_account(playbook: Playbook, doc: YamlDocument) -> Account:
    jurisdiction = playbook.applies_to.jurisdictions[0]
    raw: dict[str, Any] = {
        "account_id": "SAMPLE-0001",
        "debtor_id": "D-SAMPLE",
        "jurisdiction": jurisdiction,
        "product": (playbook.applies_to.products or ["loan"])[0],
        "balance": Decimal("12345.67"),
        "dpd": 45,
        **SAMPLE_ACCOUNTS[jurisdiction],
        **(playbook.sample_account or {}),
    }
    try:
        return Account.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for item in exc.errors():
            loc = ("sample_account", *item["loc"])
            mark = doc.locate(loc)
            problems.append(Problem(doc.file, mark.line, mark.col, f"{'.'.join(map(str, loc))}: {item['msg']}"))
        raise InputError(problems) from None


def _content_problems(playbook: Playbook, name: str, channel: str, kind: str, text: str, limits: Any) -> list[str]:
    """Content rules that refuse this rendered template whatever the account: it can never pass."""
    from engine.compliance.gate import template_violations  # the pack was required by _compliance_limits
    action = Action(channel=channel, at=datetime(2026, 1, 15, 12, 0, tzinfo=UTC), kind=kind, text=text, template=name)
    out = []
    for jurisdiction in playbook.applies_to.jurisdictions:
        for v in template_violations(jurisdiction, action, text, limits=limits):
            out.append(f"can never pass {v.rule} ({v.citation}): {v.reason}")
    return out


def _template_problems(
    playbook: Playbook, doc: YamlDocument, templates: TemplateSet, tdir: Path, limits: Any
) -> list[Problem]:
    problems: list[Problem] = []
    sample = _sample_account(playbook, doc)
    offers = [
        {k: (str(v) if isinstance(v, Decimal) else v) for k, v in o.model_dump().items()}
        for s in playbook.stages
        for o in s.offers
    ][:1] or [
        {
            "id": "sample",
            "kind": "instalment_plan",
            "max_instalments": 6,
            "min_instalment": "100",
            "max_waiver_pct": "10",
            "approval_above_pct": None,
            "consequence_of_default": "-",
            "when": "true",
        }
    ]
    incentive = playbook.incentives[0].model_dump(mode="json") if playbook.incentives else None
    for name, uses in _template_names(playbook).items():
        fault = templates.fault(name)
        if fault:
            line = fault.line or 1
            problems.append(Problem(str(tdir / name), line, 1, fault.message + _used_by(uses)))
            continue
        for used_by, channel, kind in uses or [("path", "sms", "reminder")]:
            for offer_list, inc in ((offers, incentive), ([], None)):
                context = message_context(
                    account=sample,
                    lender=playbook.lender.model_dump(),
                    language=templates.language,
                    stage=playbook.stages[0].id,
                    segment=playbook.segments[0].id,
                    channel=channel,
                    kind=kind,
                    deadline=date(2026, 1, 31),
                    offers=offer_list,
                    incentive=inc,
                )
                text, fault = templates.try_render(name, context)
                if fault:
                    problems.append(Problem(str(tdir / name), fault.line, 1, f"{fault.message} ({used_by})"))
                    break
                content = _content_problems(playbook, name, channel, kind, text or "", limits)
                if content:
                    problems.extend(Problem(str(tdir / name), 1, 1, f"{msg} ({used_by})") for msg in content)
                    break
            else:
                continue
            break
    return problems


def _used_by(uses: list[tuple[str, str, str]]) -> str:
    return f" (used by {uses[0][0]})" if uses else ""


def _read_templates(playbook: Playbook, tdir: Path) -> dict[str, str]:
    sources = {}
    for name in sorted(_template_names(playbook)):
        path = tdir / name
        if path.is_file() and path.resolve().is_relative_to(tdir.resolve()):
            sources[name] = path.read_text(encoding="utf-8")
    return sources


def content_sha256(playbook_bytes: bytes, templates: dict[str, str]) -> str:
    """The identity of a playbook: its YAML bytes and every template it uses, by name."""
    return digest.content_sha256(b"arrears-playbook-v1", playbook_bytes, templates)


def _compliance_limits(playbook: Playbook, doc: YamlDocument) -> tuple[Any, list[Problem]]:
    # Fail closed: a playbook whose limits and templates were never checked is not valid.
    from engine.compliance.adapter import require_pack

    require_pack(playbook.applies_to.jurisdictions)
    from engine.compliance.limits import LimitError, tighten

    try:
        return tighten(playbook.compliance), []
    except LimitError as exc:
        mark = doc.locate(("compliance", exc.rule_id, exc.param) if exc.param else ("compliance", exc.rule_id))
        return None, [Problem(doc.file, mark.line, mark.col, f"compliance.{exc.rule_id}: {exc}")]


def _missing_templates_dir(playbook: Playbook, doc: YamlDocument, tdir: Path) -> Problem:
    """One error where the folder is named (a copied playbook), not one per template it holds."""
    mark = doc.locate(("templates_dir",))
    return Problem(
        doc.file,
        mark.line,
        mark.col,
        f"templates_dir: no templates folder at {tdir.resolve()} (templates_dir {playbook.templates_dir!r} is "
        "relative to the playbook's folder; copy the templates along, or point templates_dir at them)",
    )


def load_playbook(path: str | Path) -> LoadedPlaybook:
    """Read, validate and compile one playbook file; `InputError` lists every fault."""
    from engine.compile.compiler import compile_playbook

    path = Path(path)
    raw, doc = read_yaml_mapping(path, "playbook")
    playbook = validate_document(Playbook, doc, "playbook")
    tdir = path.parent / playbook.templates_dir
    templates = TemplateSet(_read_templates(playbook, tdir), playbook.locale)
    limits, problems = _compliance_limits(playbook, doc)
    if tdir.is_dir():
        problems += _template_problems(playbook, doc, templates, tdir, limits)
    else:
        problems.append(_missing_templates_dir(playbook, doc, tdir))
    if problems:
        raise InputError(problems)
    return LoadedPlaybook(
        path=path,
        playbook=playbook,
        sha256=content_sha256(raw, templates.sources),
        templates=templates,
        program=compile_playbook(playbook),
        compliance_limits=limits,
    )
