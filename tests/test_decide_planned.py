"""A contact an earlier run already planned for a later instant (the gate moved it ahead) is
not planned again by the next decision: one call, not one per run until its date."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import run

ROOT = Path(__file__).resolve().parent.parent
AT = "2026-11-28T15:00:00+08:00"
ACCOUNT = {
    "account_id": "CN-P", "debtor_id": "D-P", "jurisdiction": "CN", "product": "credit_card", "currency": "CNY",
    "balance": "3000", "dpd": 45, "timezone": "Asia/Shanghai",
    "phones": [{"number": "+8613800138000", "owner": "debtor"}],
}  # fmt: skip


def _decide(arrears_cmd, tmp_path: Path, history: list[dict]) -> dict:
    accounts, hist, out = tmp_path / "accounts.jsonl", tmp_path / "history.jsonl", tmp_path / "d.jsonl"
    accounts.write_text(json.dumps(ACCOUNT) + "\n")
    hist.write_text("".join(json.dumps(h) + "\n" for h in history))
    result = run(
        arrears_cmd, "decide", "--playbook", ROOT / "playbooks" / "cn-credit-card.yaml",
        "--accounts", accounts, "--history", hist, "--at", AT, "--out", out,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (decision,) = [json.loads(line) for line in out.read_text().splitlines()]
    return decision


def _planned(template: str, at: str) -> dict:
    return {"account_id": "CN-P", "at": at, "channel": "call", "direction": "outbound", "party": "debtor",
            "kind": "payment_demand", "template": template, "to": "+8613800138000", "recorded": True}  # fmt: skip


def _calls(decision: dict) -> list[dict]:
    return [a for a in decision["actions"] if a["channel"] == "call"]


def test_a_call_planned_for_a_later_day_is_not_planned_again(arrears_cmd, tmp_path: Path) -> None:
    assert _calls(_decide(arrears_cmd, tmp_path, [])), "the scenario needs a negotiation call"
    decision = _decide(arrears_cmd, tmp_path, [_planned("negotiate_call.j2", "2026-12-01T09:00:00+08:00")])
    assert _calls(decision) == [], decision["explanation"]
    assert any("negotiate_call.j2 already planned for 2026-12-01T09:00:00+08:00" in line
               for line in decision["explanation"]), decision["explanation"]  # fmt: skip


def test_a_past_call_or_another_template_planned_ahead_does_not_hold_it(arrears_cmd, tmp_path: Path) -> None:
    history = [
        _planned("negotiate_call.j2", "2026-11-20T10:00:00+08:00"),
        _planned("other.j2", "2026-12-01T09:00:00+08:00"),
    ]
    assert _calls(_decide(arrears_cmd, tmp_path, history))
