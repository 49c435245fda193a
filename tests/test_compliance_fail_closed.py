"""A missing or broken compliance pack stops every command that decides or judges a contact:
exit 2, a message that says so, nothing written — never a gate that allows everything.
(issue 9, defect 5: `default_gate` returned None when the pack could not be imported.)

The pack is broken in a child process only: a `sitecustomize` on its PYTHONPATH makes the
named modules raise ImportError, as a half-installed or corrupted checkout would.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from cli_helpers import write_playbook
from record_fixtures import ROOT, arrears_exe, seed, user_key

BREAK = '''
import os, sys
from importlib.abc import MetaPathFinder

BROKEN = set(os.environ["ARREARS_TEST_BROKEN_MODULES"].split(","))

class _Broken(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name in BROKEN:
            raise ImportError(f"{name} is broken (test)", name=name)
        return None

sys.meta_path.insert(0, _Broken())
'''
GATE = "engine.compliance.gate"
RULE = "engine.compliance.rules.cn_quiet_hours"
ACCOUNT = {"account_id": "A1", "debtor_id": "D1", "jurisdiction": "CN", "product": "credit_card", "currency": "CNY",
           "balance": "8000.00", "dpd": 20, "timezone": "Asia/Shanghai",
           "phones": [{"number": "+8613800000001"}]}  # fmt: skip
ACTION = {"channel": "call", "at": "2026-05-11T23:00:00+08:00", "recorded": True}  # in CN quiet hours


def _broken_env(tmp_path: Path, module: str, **extra: str) -> dict[str, str]:
    site = tmp_path / "broken-site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(BREAK, "utf-8")
    path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)
    return dict(os.environ, PYTHONPATH=path, ARREARS_TEST_BROKEN_MODULES=module, **extra)


def _arrears(env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*arrears_exe(), *map(str, args)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def _assert_stopped(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "compliance pack" in result.stderr and "cannot be loaded" in result.stderr, result.stderr
    assert result.stdout == "", result.stdout


@pytest.mark.parametrize("module", [GATE, RULE], ids=["pack missing", "one rule broken"])
def test_decide_stops_and_writes_nothing(tmp_path: Path, module: str) -> None:
    playbook = write_playbook(tmp_path / "pb")
    accounts = tmp_path / "accounts.jsonl"
    accounts.write_text(json.dumps(ACCOUNT) + "\n", "utf-8")
    out = tmp_path / "decisions.jsonl"
    result = _arrears(_broken_env(tmp_path, module), "decide", "--playbook", playbook, "--accounts", accounts,
                      "--at", ACTION["at"], "--out", out)  # fmt: skip
    _assert_stopped(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["accounts.jsonl", "broken-site", "pb"]


@pytest.mark.parametrize("module", [GATE, RULE], ids=["pack missing", "one rule broken"])
def test_check_stops_without_a_verdict(tmp_path: Path, module: str) -> None:
    account, action = tmp_path / "acc.json", tmp_path / "act.json"
    account.write_text(json.dumps(ACCOUNT), "utf-8")
    action.write_text(json.dumps(ACTION), "utf-8")
    env = _broken_env(tmp_path, module, ARREARS_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite'}")
    _assert_stopped(_arrears(env, "check", "--account", account, "--action", action, "--json"))
    playbook = write_playbook(tmp_path / "pb")
    _assert_stopped(_arrears(env, "check", "--account", account, "--action", action, "--playbook", playbook))


def test_validate_refuses_without_the_pack(tmp_path: Path) -> None:
    """A playbook cannot be declared valid when its compliance limits were never checked."""
    _assert_stopped(_arrears(_broken_env(tmp_path, RULE), "validate", write_playbook(tmp_path / "pb")))


@pytest.mark.slow
def test_run_daily_stops_before_any_flow_run(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'arrears.sqlite'}"
    seed(db_url, tmp_path / "portfolio", 20)
    env = _broken_env(tmp_path, RULE, ARREARS_DATABASE_URL=db_url, ARREARS_HOME=str(tmp_path / "home"))
    env["ARREARS_API_KEY"] = user_key(db_url, "ops")
    _assert_stopped(_arrears(env, "run", "daily", "--as-of", "2026-03-10", "--json"))
    from sqlalchemy import create_engine, text

    with create_engine(db_url).connect() as conn:
        for table in ("flow_runs", "decisions", "outbox_contacts"):
            assert conn.execute(text(f"select count(*) from {table}")).scalar_one() == 0, table


def test_check_stops_when_the_accounts_state_overlay_is_broken(tmp_path: Path) -> None:
    """A Massachusetts account must never be judged by the federal rules alone."""
    account, action = tmp_path / "acc.json", tmp_path / "act.json"
    us = {**ACCOUNT, "jurisdiction": "US", "currency": "USD", "timezone": "America/New_York", "region": "MA"}
    account.write_text(json.dumps(us), "utf-8")
    action.write_text(json.dumps({"channel": "call", "at": "2026-05-11T10:00:00-04:00", "recorded": True}), "utf-8")
    env = _broken_env(tmp_path, "engine.compliance.rules.us_ma_call_frequency",
                      ARREARS_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite'}")  # fmt: skip
    _assert_stopped(_arrears(env, "check", "--account", account, "--action", action, "--json"))
