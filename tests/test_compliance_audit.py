"""`arrears audit compliance`: a synthetic log with seeded violations, all of them found."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from engine.compliance.audit import audit
from engine.compliance.report import render_html, render_markdown

ACCOUNTS = [
    {"account_id": "U1", "debtor_id": "DU1", "jurisdiction": "US", "balance": "500", "dpd": 40,
     "timezone": "America/New_York"},
    {"account_id": "U2", "debtor_id": "DU2", "jurisdiction": "US", "balance": "90", "dpd": 12,
     "timezone": "America/Chicago", "flags": ["opted_out_sms"]},
    {"account_id": "C1", "debtor_id": "DC", "jurisdiction": "CN", "balance": "8000", "dpd": 20},
    {"account_id": "C2", "debtor_id": "DC", "jurisdiction": "CN", "balance": "3000", "dpd": 20},
    {"account_id": "C3", "debtor_id": "DC3", "jurisdiction": "CN", "balance": "100", "dpd": 95,
     "flags": ["lost_contact"]},
    {"account_id": "K1", "debtor_id": "DK", "jurisdiction": "UK", "balance": "900", "dpd": 60,
     "breathing_space": {"kind": "standard", "start": "2026-04-01"}},
]  # fmt: skip


def _call(account: str, at: str, outcome: str = "no_answer", **kw: Any) -> dict[str, Any]:
    return {"account_id": account, "at": at, "channel": "call", "outcome": outcome, "recorded": True, **kw}


def _log() -> tuple[list[dict[str, Any]], set[tuple[str, str, str]]]:
    """A contact log (deliberately out of order) and the violations seeded in it."""
    log: list[dict[str, Any]] = []
    seeded: set[tuple[str, str, str]] = set()
    # US: validation notices first, then calls on 7 consecutive days and an 8th on day 7.
    for acc in ("U1", "U2"):
        log.append({"account_id": acc, "at": "2026-04-01T10:00:00-04:00", "channel": "letter",
                    "kind": "validation_notice", "outcome": "delivered", "by": "mailroom"})  # fmt: skip
    for day in range(2, 9):
        log.append(_call("U1", f"2026-04-0{day}T10:00:00-04:00", by="c-9"))
    log.append(_call("U1", "2026-04-08T15:00:00-04:00", by="c-9"))
    seeded.add(("U1", "2026-04-08T15:00:00-04:00", "US.REGF.CALL_FREQUENCY"))
    log.append(_call("U1", "2026-04-10T21:30:00-04:00", by="c-9"))
    seeded.add(("U1", "2026-04-10T21:30:00-04:00", "US.REGF.INCONVENIENT_TIME"))
    log.append({"account_id": "U1", "at": "2026-04-11T10:00:00-04:00", "channel": "call", "direction": "inbound",
                "outcome": "conversation"})  # fmt: skip
    # US: an SMS after the consumer opted out of SMS.
    log.append({"account_id": "U2", "at": "2026-04-03T12:00:00-05:00", "channel": "sms", "kind": "reminder",
                "text": "Payment due. Reply STOP to opt out.", "to": "+13125550123", "by": "robot-1"})  # fmt: skip
    seeded.add(("U2", "2026-04-03T12:00:00-05:00", "US.REGF.OPTED_OUT_CHANNEL"))
    # CN: three connected calls, then a 4th by an unapproved agency, then a 5th on the other account.
    for hour in ("09", "10", "11"):
        log.append(_call("C1", f"2026-04-02T{hour}:00:00+08:00", "connected", by="c-1"))
    log.append(_call("C1", "2026-04-02T14:00:00+08:00", "connected", by="agency:acme"))
    seeded |= {("C1", "2026-04-02T14:00:00+08:00", "CN.CBA.CONNECTED_CALLS_PER_DAY"),
               ("C1", "2026-04-02T14:00:00+08:00", "CN.CBA.APPROVED_AGENCY")}  # fmt: skip
    log.append(_call("C2", "2026-04-02T15:00:00+08:00", "connected", by="c-2"))
    seeded.add(("C2", "2026-04-02T15:00:00+08:00", "CN.CBA.CONNECTED_CALLS_PER_DAY"))
    log.append({"account_id": "C1", "at": "2026-04-03T23:00:00+08:00", "channel": "sms", "kind": "reminder",
                "text": "您好，请按时还款。", "by": "c-1"})  # fmt: skip
    seeded.add(("C1", "2026-04-03T23:00:00+08:00", "CN.CBA.QUIET_HOURS"))
    log.append(_call("C1", "2026-04-04T10:00:00+08:00", "connected", by="c-1", recorded=False))
    seeded.add(("C1", "2026-04-04T10:00:00+08:00", "CN.NIFA.CALL_RECORDING"))
    # CN: a message to a contact person that discloses the debt.
    log.append({"account_id": "C3", "at": "2026-04-05T10:00:00+08:00", "channel": "sms", "party": "third_party",
                "to": "+8613700000009", "kind": "limited_content", "text": "请转告他，欠款已逾期。",
                "by": "c-3"})  # fmt: skip
    seeded.add(("C3", "2026-04-05T10:00:00+08:00", "CN.CCM.THIRD_PARTY_DISCLOSURE"))
    log.append({"account_id": "C3", "at": "2026-04-06T10:00:00+08:00", "channel": "sms", "party": "third_party",
                "to": "+8613700000009", "kind": "limited_content", "text": "请转告他尽快回电。",
                "by": "c-3"})  # fmt: skip
    # UK: a payment demand during breathing space; a reply to the debtor's question is fine.
    log.append({"account_id": "K1", "at": "2026-04-10T10:00:00+01:00", "channel": "letter",
                "kind": "payment_demand", "by": "agency:northfield"})  # fmt: skip
    seeded.add(("K1", "2026-04-10T10:00:00+01:00", "UK.BSR.BREATHING_SPACE"))
    log.append({"account_id": "K1", "at": "2026-04-11T10:00:00+01:00", "channel": "email", "to": "kim@example.co.uk",
                "kind": "reply_to_debtor", "by": "c-4"})  # fmt: skip
    log.reverse()  # the audit must sort by time itself
    return log, seeded


def _write(tmp: Path, log: list[dict[str, Any]], accounts: list[dict[str, Any]] = ACCOUNTS) -> tuple[Path, Path]:
    h, a = tmp / "h.jsonl", tmp / "a.jsonl"
    h.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in log), "utf-8")
    a.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in accounts), "utf-8")
    return h, a


def test_audit_finds_exactly_the_seeded_violations(tmp_path) -> None:
    log, seeded = _log()
    result = audit(*_write(tmp_path, log))
    found = {(f.account_id, f.at.isoformat(), f.rule) for f in result.findings}
    assert found == seeded
    assert result.accounts == len(ACCOUNTS)
    assert result.contacts_checked == sum(1 for x in log if x.get("direction", "outbound") == "outbound")


def test_report_groups_by_rule_actor_and_day_and_masks_personal_data(tmp_path) -> None:
    log, seeded = _log()
    result = audit(*_write(tmp_path, log))
    for text in (render_markdown(result), render_html(result)):
        for _, _, rule in seeded:
            assert rule in text
        assert "GB/T 45251-2025" in text and "12 CFR 1006.14(b)(2)(i)(A)" in text
        assert "agency:acme" in text and "c-9" in text
        assert "2026-04-02" in text and "2026-04-10" in text
        assert "+8613700000009" not in text and "+13125550123" not in text
        assert "0009" in text  # masked, still tells numbers apart
    md = render_markdown(result)
    by_day = md.split("## Violations by day", 1)[1].split("##", 1)[0]
    assert "| 2026-04-02 | 3 |" in by_day


def _cli(cmd: list[str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*cmd, "audit", "compliance", *map(str, args)], capture_output=True, text=True,
                          timeout=120)  # fmt: skip


def test_cli_exits_1_and_writes_both_reports(arrears_cmd, tmp_path) -> None:
    log, seeded = _log()
    h, a = _write(tmp_path, log)
    out = tmp_path / "report"
    result = _cli(arrears_cmd, "--history", h, "--accounts", a, "--out", out, "--json")
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert summary["violations"] == len(seeded)
    assert (out / "compliance-audit.md").read_text("utf-8").startswith("# Compliance audit report")
    assert "<table>" in (out / "compliance-audit.html").read_text("utf-8")


def test_cli_exits_0_on_a_clean_log(arrears_cmd, tmp_path) -> None:
    log = [
        {"account_id": "U1", "at": "2026-04-01T10:00:00-04:00", "channel": "letter", "kind": "validation_notice"},
        _call("U1", "2026-04-02T10:00:00-04:00"),
        _call("C1", "2026-04-02T10:00:00+08:00", "connected"),
    ]
    h, a = _write(tmp_path, log)
    result = _cli(arrears_cmd, "--history", h, "--accounts", a, "--out", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 violation(s)" in result.stdout
    assert "No violations." in (tmp_path / "compliance-audit.md").read_text("utf-8")


@pytest.mark.parametrize(
    ("log_line", "fragment"),
    [
        ({"account_id": "ZZ", "at": "2026-04-02T10:00:00+08:00", "channel": "call"}, "h.jsonl:2:1: account_id: 'ZZ'"),
        ({"account_id": "C1", "at": "2026-04-31T10:00:00+08:00", "channel": "call"}, "h.jsonl:2:1: at:"),
    ],
)
def test_cli_bad_input_exits_2_and_writes_nothing(arrears_cmd, tmp_path, log_line, fragment) -> None:
    h, a = _write(tmp_path, [_call("C1", "2026-04-02T09:00:00+08:00"), log_line])
    out = tmp_path / "out"
    result = _cli(arrears_cmd, "--history", h, "--accounts", a, "--out", out)
    assert result.returncode == 2
    assert fragment in result.stderr
    assert not out.exists()
