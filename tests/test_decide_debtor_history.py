"""The compliance gate in `decide` sees the debtor's whole history: Chinese limits count
contacts per debtor across all their accounts, not per account."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import run

ROOT = Path(__file__).resolve().parent.parent
AT = "2026-11-28T15:00:00+08:00"


def _account(account_id: str, dpd: int) -> dict:
    return {
        "account_id": account_id,
        "debtor_id": "D-shared",
        "jurisdiction": "CN",
        "product": "credit_card",
        "currency": "CNY",
        "balance": "3000",
        "dpd": dpd,
        "timezone": "Asia/Shanghai",
        "phones": [{"number": "+8613800138000", "owner": "debtor"}],
    }


def _decide(arrears_cmd, tmp_path: Path, history: list[dict]) -> list[dict]:
    accounts = tmp_path / "accounts.jsonl"
    accounts.write_text("\n".join(json.dumps(a) for a in [_account("CN-A", 45), _account("CN-B", 45)]) + "\n")
    hist = tmp_path / "history.jsonl"
    hist.write_text("".join(json.dumps(h) + "\n" for h in history))
    out = tmp_path / "d.jsonl"
    result = run(
        arrears_cmd, "decide", "--playbook", ROOT / "playbooks" / "cn-credit-card.yaml",
        "--accounts", accounts, "--history", hist, "--at", AT, "--out", out,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in out.read_text().splitlines()]


def _calls_today(account_id: str, n: int) -> list[dict]:
    return [
        {"account_id": account_id, "at": f"2026-11-28T{9 + i:02d}:30:00+08:00", "channel": "call",
         "outcome": "conversation", "recorded": True, "by": "collector-007"}
        for i in range(n)
    ]


def _call(decision: dict) -> dict:
    (call,) = [a for a in decision["actions"] if a["channel"] == "call"]
    return call


def test_three_conversations_on_one_account_move_the_call_on_the_debtors_other_account(arrears_cmd, tmp_path) -> None:
    decisions = _decide(arrears_cmd, tmp_path, _calls_today("CN-A", 3))
    b = next(d for d in decisions if d["account_id"] == "CN-B")
    assert b["stage"] == "negotiate"
    assert _call(b)["at"].startswith("2026-11-29T09:00"), b["explanation"]  # tomorrow, in its hours
    assert any("moved" in line and "CN.CBA.CONNECTED_CALLS_PER_DAY" in line for line in b["explanation"])


def test_two_conversations_leave_room_for_a_third_call_today(arrears_cmd, tmp_path) -> None:
    decisions = _decide(arrears_cmd, tmp_path, _calls_today("CN-A", 2))
    b = next(d for d in decisions if d["account_id"] == "CN-B")
    assert _call(b)["at"] == AT, b["explanation"]


def test_a_line_that_is_not_utf8_is_bad_input(arrears_cmd, tmp_path) -> None:
    accounts = tmp_path / "accounts.jsonl"
    accounts.write_bytes(json.dumps(_account("CN-A", 45)).encode() + b"\n\xff\xfe{}\n")
    result = run(
        arrears_cmd, "decide", "--playbook", ROOT / "playbooks" / "cn-credit-card.yaml",
        "--accounts", accounts, "--at", AT,
    )
    assert result.returncode == 2
    assert f"{accounts}:2:1: not UTF-8 text" in result.stderr
    assert "Traceback" not in result.stderr
