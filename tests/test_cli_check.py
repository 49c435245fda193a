"""`arrears check` through the real console script: verdicts, exit codes, bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

CN_ACCOUNT = {
    "account_id": "A1",
    "debtor_id": "D1",
    "jurisdiction": "CN",
    "balance": "8000.00",
    "dpd": 20,
    "timezone": "Asia/Shanghai",
}
DAY_CALL = {"channel": "call", "at": "2026-05-11T10:00:00+08:00", "recorded": True}


def _write(path: Path, value: object) -> Path:
    path.write_text(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False), "utf-8")
    return path


def _run(cmd: list[str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*cmd, "check", *map(str, args)], capture_output=True, text=True, timeout=120)


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "account": _write(tmp_path / "acc.json", CN_ACCOUNT),
        "action": _write(tmp_path / "act.json", DAY_CALL),
    }


def test_allowed_exits_0_with_the_contract_verdict(arrears_cmd, files) -> None:
    result = _run(arrears_cmd, "--account", files["account"], "--action", files["action"], "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"allowed": True, "violations": [], "next_allowed_at": None}


def test_blocked_by_history_exits_1_with_rule_citation_and_next_time(arrears_cmd, files, tmp_path) -> None:
    history = tmp_path / "h.jsonl"
    lines = [
        {"account_id": "A1", "at": f"2026-05-11T0{h}:00:00+08:00", "channel": "call", "outcome": "connected"}
        for h in (8, 9)
    ] + [{"account_id": "A2", "at": "2026-05-11T09:30:00+08:00", "channel": "call", "outcome": "conversation"}]
    history.write_text("\n".join(json.dumps(x) for x in lines) + "\n", "utf-8")
    result = _run(
        arrears_cmd, "--account", files["account"], "--history", history, "--action", files["action"], "--json"
    )
    assert result.returncode == 1, result.stderr
    verdict = json.loads(result.stdout)
    assert set(verdict) == {"allowed", "violations", "next_allowed_at"}
    assert verdict["allowed"] is False
    assert [set(v) for v in verdict["violations"]] == [{"rule", "citation", "reason"}]
    assert verdict["violations"][0]["rule"] == "CN.CBA.CONNECTED_CALLS_PER_DAY"
    assert "GB/T 45251-2025" in verdict["violations"][0]["citation"]
    assert verdict["next_allowed_at"] == "2026-05-12T08:00:00+08:00"


def test_human_output_names_rule_and_citation(arrears_cmd, files, tmp_path) -> None:
    night = _write(tmp_path / "night.json", {**DAY_CALL, "at": "2026-05-11T23:00:00+08:00", "recorded": False})
    result = _run(arrears_cmd, "--account", files["account"], "--action", night)
    assert result.returncode == 1
    assert "CN.CBA.QUIET_HOURS" in result.stdout
    assert "CN.NIFA.CALL_RECORDING" in result.stdout
    assert "2026-05-12T08:00:00+08:00" not in result.stdout  # recording is not time-bound
    assert "not time-bound" in result.stdout


def test_malformed_json_exits_2_naming_the_file(arrears_cmd, files, tmp_path) -> None:
    bad = _write(tmp_path / "broken.json", '{"account_id": "A1",\n "dpd": }')
    result = _run(arrears_cmd, "--account", bad, "--action", files["action"])
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"{bad}:2:" in result.stderr and "malformed JSON" in result.stderr


def test_unknown_key_exits_2_naming_file_and_field(arrears_cmd, files, tmp_path) -> None:
    bad = _write(tmp_path / "act.json", {**DAY_CALL, "chanel": "sms"})
    result = _run(arrears_cmd, "--account", files["account"], "--action", bad)
    assert result.returncode == 2
    assert f"{bad}:1:1: chanel: unknown field" in result.stderr


def test_impossible_date_exits_2_naming_file_and_field(arrears_cmd, files, tmp_path) -> None:
    bad = _write(tmp_path / "act.json", {**DAY_CALL, "at": "2026-02-30T10:00:00+08:00"})
    result = _run(arrears_cmd, "--account", files["account"], "--action", bad)
    assert result.returncode == 2
    assert f"{bad}:1:1: at:" in result.stderr


def test_bad_history_line_names_its_line(arrears_cmd, files, tmp_path) -> None:
    history = tmp_path / "h.jsonl"
    history.write_text(
        json.dumps({"account_id": "A1", "at": "2026-05-11T08:00:00+08:00", "channel": "call"})
        + "\n"
        + json.dumps({"account_id": "A1", "at": "2026-05-11T09:00:00", "channel": "call"})
        + "\n",
        "utf-8",
    )
    result = _run(arrears_cmd, "--account", files["account"], "--history", history, "--action", files["action"])
    assert result.returncode == 2
    assert f"{history}:2:1: at:" in result.stderr and "offset" in result.stderr


def test_missing_file_exits_2(arrears_cmd, files, tmp_path) -> None:
    result = _run(arrears_cmd, "--account", tmp_path / "nope.json", "--action", files["action"])
    assert result.returncode == 2
    assert "nope.json" in result.stderr


def _with_limit(playbook_text: str, entry: str) -> str:
    """Add one rule's parameters to the playbook's `compliance:` section (creating it if absent)."""
    if "\ncompliance:\n" in playbook_text:
        return playbook_text.replace("\ncompliance:\n", f"\ncompliance:\n  {entry}\n", 1)
    return playbook_text + f"\ncompliance:\n  {entry}\n"


def test_playbook_limits_tighten_the_check(arrears_cmd, files, tmp_path, root) -> None:
    shutil.copytree(root / "playbooks", tmp_path / "pb")
    playbook = tmp_path / "pb" / "cn-credit-card.yaml"
    text = playbook.read_text("utf-8")
    late = _write(tmp_path / "late.json", {**DAY_CALL, "at": "2026-05-11T21:30:00+08:00"})
    base = _run(arrears_cmd, "--account", files["account"], "--action", late, "--playbook", playbook, "--json")
    assert base.returncode == 0, base.stderr
    playbook.write_text(_with_limit(text, 'CN.CBA.QUIET_HOURS:\n    latest: "21:00"'), "utf-8")
    tight = _run(arrears_cmd, "--account", files["account"], "--action", late, "--playbook", playbook, "--json")
    assert tight.returncode == 1, tight.stderr
    assert json.loads(tight.stdout)["violations"][0]["rule"] == "CN.CBA.QUIET_HOURS"


def test_playbook_that_loosens_a_limit_is_bad_input(arrears_cmd, files, tmp_path, root) -> None:
    shutil.copytree(root / "playbooks", tmp_path / "pb")
    playbook = tmp_path / "pb" / "cn-credit-card.yaml"
    playbook.write_text(
        _with_limit(playbook.read_text("utf-8"), "CN.CBA.CONNECTED_CALLS_PER_DAY:\n    max_connected: 5"), "utf-8"
    )
    result = _run(arrears_cmd, "--account", files["account"], "--action", files["action"], "--playbook", playbook)
    assert result.returncode == 2
    assert "CN.CBA.CONNECTED_CALLS_PER_DAY" in result.stderr and "GB/T 45251-2025" in result.stderr
    assert "max_connected" in result.stderr
