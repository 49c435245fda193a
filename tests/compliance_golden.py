"""Loading the golden compliance cases (tests/compliance_cases/*.yaml) into contract models.

Shared by the golden test and the property test, so both read the same case format:
`rule`, `jurisdiction`, optional `defaults` (account/action overrides, a history prefix) and
`cases`, each with `name`, `action`, optional `account`, `history`, `limits`, and the
expected verdict: `expect` (the exact set of refusing rule ids), optionally
`next_allowed_at` and `reason` (a substring of the reason of the file's rule).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.contracts.facts import Account, Action, HistoryEntry

CASES_DIR = Path(__file__).parent / "compliance_cases"
BASE = yaml.safe_load((CASES_DIR / "_base.yaml").read_text(encoding="utf-8"))


@dataclass
class Case:
    file: str
    rule: str
    name: str
    account: Account
    history: list[HistoryEntry]
    action: Action
    limits: dict[str, dict[str, Any]]
    expect: set[str]
    raw: dict[str, Any] = field(repr=False)

    @property
    def id(self) -> str:
        return f"{self.rule}: {self.name}"


def _history(entries: list[dict[str, Any]], account_id: str) -> list[HistoryEntry]:
    return [HistoryEntry.model_validate({"account_id": account_id, **e}) for e in entries]


def load_file(path: Path) -> list[Case]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    defaults = doc.get("defaults") or {}
    out = []
    for raw in doc["cases"]:
        account = Account.model_validate(
            {**BASE["accounts"][doc["jurisdiction"]], **defaults.get("account", {}), **raw.get("account", {})}
        )
        entries = [*defaults.get("history", []), *raw.get("history", [])]
        action = Action.model_validate({**BASE["action"], **defaults.get("action", {}), **raw["action"]})
        out.append(
            Case(
                file=path.name,
                rule=doc["rule"],
                name=raw["name"],
                account=account,
                history=_history(entries, account.account_id),
                action=action,
                limits=raw.get("limits") or defaults.get("limits") or {},
                expect=set(raw["expect"]),
                raw=raw,
            )
        )
    return out


def case_files() -> list[Path]:
    return sorted(p for p in CASES_DIR.glob("*.yaml") if not p.name.startswith("_"))


def all_cases() -> list[Case]:
    return [case for path in case_files() for case in load_file(path)]
