"""The auditor's report shows every emergency with who declared it, who stood it down and
why, and the response log (notices, acknowledgements) from the chained audit log."""

from __future__ import annotations

import json
import re
from pathlib import Path

import record_fixtures as rf

db_url, cli = rf.db_url, rf.cli


def test_audit_report_shows_emergencies_and_their_response_log(cli, monkeypatch) -> None:
    monkeypatch.setenv("ARREARS_EMERGENCY_RESPONSE", "inline")
    assert cli("db", "upgrade").returncode == 0
    declared = cli(
        "emergency",
        "declare",
        "--tier",
        "3",
        "--scope",
        "account=CN-00000042",
        "--reason",
        "agitated call; debtor phone +8613800138000",
        "--by",
        "ops.alice",
        "--json",
    )
    assert declared.returncode == 0, declared.stderr
    emergency_id = json.loads(declared.stdout)["emergency_id"]
    stood = cli("emergency", "stand-down", emergency_id, "--by", "ops.bob", "--reason", "customer calmed down")
    assert stood.returncode == 0, stood.stderr

    result = cli("audit", "report", "--date", "2026-11-28")
    assert result.returncode == 0, result.stderr
    html = Path(re.findall(r"(/\S+\.html)", result.stdout)[0]).read_text(encoding="utf-8")
    section = html[html.index("<h2>Emergencies</h2>") :]
    for expected in (emergency_id, "ops.alice", "ops.bob", "customer calmed down", "EMERGENCY_DECLARED"):
        assert expected in section, expected
    assert "EMERGENCY_STOOD_DOWN" in section
    assert "+8613800138000" not in html, "personal data in the report"
