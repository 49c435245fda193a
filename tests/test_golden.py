"""Golden cases of the playbook language: one YAML file per concept in `tests/golden/`.

A golden file holds a small self-contained playbook and the cases that pin its meaning:

    concept: segments                  # what the file is about (free text)
    playbook: {version: 1, ...}        # written to a temp dir as playbook.yaml
    templates: {name.j2: "text"}       # written to <tmp>/templates/ (templates_dir defaults to it)
    at: "2026-03-10T10:00:00+08:00"    # default evaluation time of the cases
    account: {jurisdiction: CN, ...}   # default account facts, merged under each case's
    playbook_file: playbooks/x.yaml    # instead of `playbook`: a shipped playbook, as shipped
    cases:
      - name: high balance is vip
        at: ...                        # optional
        account: {balance: 60000}      # account_id/debtor_id are filled in when absent
        history:                       # account_id filled in; `days_ago: 2.5` instead of `at`
          - {days_ago: 1, channel: sms, outcome: read_no_reply}
        promises:                      # the account's promises to pay (promise_id defaults to P<n>)
          - {made_at: "2026-03-01T10:00:00+08:00", due: "2026-03-09", amount: 300}
        payments:                      # and its payments
          - {at: "2026-03-05T10:00:00+08:00", amount: 100}
        expect:                        # every key optional; unknown keys are an error
          segment: vip                 # ... stage, priority, assignment: exact
          fired_rules: [stage.remind]  # subset; `fired_rules_exact` for the exact list
          not_fired: [segment.vip]
          actions:                     # exact number; each listed key must match
            - {channel: sms, template: remind.j2, at: "2026-03-10T10:00:00+08:00"}
          tasks: [skip_trace]          # ids, exact and in order (likewise offers, incentives)
          offers: [{id: plan, requires_approval_above_pct: "20"}]   # or dicts: listed keys match
          explanation_contains: ["segment vip"]
          promise: {state: active}     # the decision's promise object (null: none); listed keys match
          pause: promise_active        # the pause's id (null: none)

Every case runs through both matchers — durable_rules and the plain-Python reference — with
no compliance gate (the language alone); the two decisions must be identical, then match
`expect`. Each file's cases are also decided in one batch, which must change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.contracts.facts import Account, HistoryEntry
from engine.contracts.promises import Outcomes, PaymentRecord, PromiseRecord
from engine.decide.evaluator import Evaluator
from engine.playbook.loader import LoadedPlaybook, load_playbook

GOLDEN = Path(__file__).parent / "golden"
FILES = sorted(GOLDEN.glob("*.yaml"))
EXPECT_KEYS = {
    "segment",
    "stage",
    "priority",
    "assignment",
    "fired_rules",
    "fired_rules_exact",
    "not_fired",
    "actions",
    "tasks",
    "offers",
    "incentives",
    "blocked",
    "explanation_contains",
    "promise",
    "pause",
}
ROOT = GOLDEN.parent.parent


@dataclass(frozen=True)
class Case:
    file: Path
    name: str
    at: datetime
    account: dict[str, Any]
    history: list[dict[str, Any]]
    expect: dict[str, Any]
    outcomes: Outcomes | None = None


def _timestamp(value: Any, where: str) -> datetime:
    ts = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    assert ts.tzinfo is not None, f"{where}: timestamps need an offset"
    return ts


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = set(data) - {"concept", "description", "playbook", "playbook_file", "templates", "at", "account", "cases"}
    assert not unknown, f"{path.name}: unknown top-level keys {sorted(unknown)}"
    return data


def _cases(path: Path) -> list[Case]:
    data = _load(path)
    out = []
    for n, raw in enumerate(data["cases"]):
        name = raw["name"]
        unknown = set(raw) - {"name", "at", "account", "history", "promises", "payments", "expect"}
        assert not unknown, f"{path.name} / {name}: unknown case keys {sorted(unknown)}"
        bad = set(raw.get("expect", {})) - EXPECT_KEYS
        assert not bad, f"{path.name} / {name}: unknown expect keys {sorted(bad)}"
        at = _timestamp(raw.get("at", data.get("at")), f"{path.name} / {name}")
        account = {**data.get("account", {}), **raw.get("account", {})}
        account.setdefault("account_id", f"{path.stem}-{n:03d}")
        account.setdefault("debtor_id", f"debtor-{path.stem}-{n:03d}")
        history = []
        for entry in raw.get("history", []):
            entry = dict(entry)
            if "days_ago" in entry:
                entry["at"] = at - timedelta(days=entry.pop("days_ago"))
            entry.setdefault("account_id", account["account_id"])
            history.append(entry)
        out.append(Case(path, name, at, account, history, raw.get("expect", {}), _outcomes(raw)))
    return out


def _outcomes(raw: dict[str, Any]) -> Outcomes | None:
    """A case's promises and payments (`promises:` / `payments:`), None when it has neither."""
    if "promises" not in raw and "payments" not in raw:
        return None
    promises = tuple(
        PromiseRecord(
            str(p.get("promise_id", f"P{n}")),
            _timestamp(p["made_at"], "promise"),
            date.fromisoformat(str(p["due"])),
            Decimal(str(p["amount"])),
        )
        for n, p in enumerate(raw.get("promises", []), start=1)
    )
    payments = tuple(
        PaymentRecord(_timestamp(p["at"], "payment"), Decimal(str(p["amount"]))) for p in raw.get("payments", [])
    )
    return Outcomes(promises, payments)


CASES = [case for path in FILES for case in _cases(path)]
_LOADED: dict[Path, LoadedPlaybook] = {}
_EVALUATORS: dict[Path, tuple[Evaluator, Evaluator]] = {}


def loaded_for(path: Path, tmp_root: Path) -> LoadedPlaybook:
    if path not in _LOADED and "playbook_file" in _load(path):
        _LOADED[path] = load_playbook(ROOT / _load(path)["playbook_file"])
    if path not in _LOADED:
        data = _load(path)
        folder = tmp_root / path.stem
        (folder / "templates").mkdir(parents=True, exist_ok=True)
        playbook = dict(data["playbook"])
        playbook.setdefault("templates_dir", "templates")
        for name, text in (data.get("templates") or {}).items():
            (folder / playbook["templates_dir"] / name).write_text(text, encoding="utf-8")
        target = folder / "playbook.yaml"
        target.write_text(yaml.safe_dump(playbook, allow_unicode=True, sort_keys=False), encoding="utf-8")
        _LOADED[path] = load_playbook(target)
    return _LOADED[path]


@pytest.fixture(scope="session")
def golden_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("golden")


def decide_both(
    loaded: LoadedPlaybook, accounts: list[Account], histories: dict, at: datetime, outcomes: dict | None = None
) -> list[dict]:
    """Decide with both matchers (no compliance gate: the language alone); they must agree."""
    if loaded.path not in _EVALUATORS:
        _EVALUATORS[loaded.path] = (
            Evaluator(loaded, matcher="durable", gate=None),
            Evaluator(loaded, matcher="python", gate=None),
        )
    with_durable, with_python = _EVALUATORS[loaded.path]
    durable = with_durable.decide(accounts, histories, at, outcomes=outcomes)
    python = with_python.decide(accounts, histories, at, outcomes=outcomes)
    assert durable == python, "durable_rules and the Python reference decided differently"
    return durable


def _subset(expected: dict[str, Any], actual: dict[str, Any], where: str) -> None:
    for key, value in expected.items():
        assert key in actual, f"{where}: no {key!r} in {actual}"
        assert actual[key] == value, f"{where}.{key}: expected {value!r}, got {actual[key]!r}"


def _ids_or_dicts(expected: list[Any], actual: list[dict[str, Any]], what: str) -> None:
    assert [e if isinstance(e, str) else e["id"] for e in expected] == [a["id"] for a in actual], what
    for e, a in zip(expected, actual, strict=True):
        if isinstance(e, dict):
            _subset(e, a, what)


def check(decision: dict[str, Any], expect: dict[str, Any]) -> None:
    for key in ("segment", "stage", "priority", "assignment"):
        if key in expect:
            assert decision[key] == expect[key], f"{key}: expected {expect[key]!r}, got {decision[key]!r}"
    fired = decision["fired_rules"]
    if "fired_rules" in expect:
        missing = [r for r in expect["fired_rules"] if r not in fired]
        assert not missing, f"rules {missing} did not fire; fired: {fired}"
    if "fired_rules_exact" in expect:
        assert fired == expect["fired_rules_exact"]
    if "not_fired" in expect:
        wrong = [r for r in expect["not_fired"] if r in fired]
        assert not wrong, f"rules {wrong} fired but should not; fired: {fired}"
    if "actions" in expect:
        actions = decision["actions"]
        assert len(actions) == len(expect["actions"]), f"expected {len(expect['actions'])} actions, got {actions}"
        for i, (e, a) in enumerate(zip(expect["actions"], actions, strict=True)):
            _subset(e, a, f"actions[{i}]")
    if "blocked" in expect:
        assert len(decision["blocked"]) == expect["blocked"], decision["blocked"]
    if "tasks" in expect:
        assert [t["id"] for t in decision["tasks"]] == expect["tasks"]
    if "offers" in expect:
        _ids_or_dicts(expect["offers"], decision["offers"], "offers")
    if "incentives" in expect:
        _ids_or_dicts(expect["incentives"], decision["incentives"], "incentives")
    if "promise" in expect:
        if expect["promise"] is None or decision["promise"] is None:
            assert decision["promise"] == expect["promise"], f"promise: expected {expect['promise']!r}"
        else:
            _subset(
                {k: str(v) for k, v in expect["promise"].items()},
                {k: str(v) for k, v in decision["promise"].items()},
                "promise",
            )
    if "pause" in expect:
        got = decision["pause"]["id"] if decision.get("pause") else None
        assert got == expect["pause"], f"pause: expected {expect['pause']!r}, got {got!r}"
    text = "\n".join(decision["explanation"])
    for needle in expect.get("explanation_contains", []):
        assert needle in text, f"{needle!r} not in explanation:\n{text}"


def _models(case: Case) -> tuple[Account, list[HistoryEntry]]:
    return Account.model_validate(case.account), [HistoryEntry.model_validate(h) for h in case.history]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.file.stem}: {c.name}" for c in CASES])
def test_golden_case(case: Case, golden_tmp: Path) -> None:
    loaded = loaded_for(case.file, golden_tmp)
    account, history = _models(case)
    outcomes = {account.account_id: case.outcomes} if case.outcomes else None
    (decision,) = decide_both(loaded, [account], {account.account_id: history}, case.at, outcomes)
    check(decision, case.expect)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_golden_file_in_one_batch(path: Path, golden_tmp: Path) -> None:
    """Deciding a file's cases together (per evaluation time) gives each its own decision."""
    loaded = loaded_for(path, golden_tmp)
    cases = _cases(path)
    by_time: dict[datetime, list[Case]] = {}
    for case in cases:
        by_time.setdefault(case.at, []).append(case)
    for at, group in by_time.items():
        models = [_models(c) for c in group]
        histories = {a.account_id: h for a, h in models}
        outcomes = {a.account_id: c.outcomes for (a, _), c in zip(models, group, strict=True) if c.outcomes}
        together = decide_both(loaded, [a for a, _ in models], histories, at, outcomes)
        for case, decision in zip(group, together, strict=True):
            check(decision, case.expect)


def test_every_concept_has_a_golden_file() -> None:
    concepts = {
        "segments",
        "priority",
        "stages",
        "treatments",
        "channel_choice",
        "contact_path",
        "lost_contact",
        "offers",
        "incentives",
        "assignment",
        "fraud",
        "pauses",
        "scope",
        "null_semantics",
        "lists",
        "promises",
    }
    assert concepts <= {p.stem for p in FILES}
