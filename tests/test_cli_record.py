"""Playbook versions through the CLI: activate, maker-checker, list/show, scope overlap."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import record_fixtures as rf
from record_fixtures import CN_PLAYBOOK, Cli

db_url, cli = rf.db_url, rf.cli


def test_activate_then_approve_by_another_person(cli: Cli) -> None:
    act = cli("playbook", "activate", str(CN_PLAYBOOK), "--by", "alice", "--json")
    assert act.returncode == 0, act.stderr
    ident = json.loads(act.stdout)
    assert set(ident) == {"name", "version", "sha256"} and ident["name"] == "cn-credit-card"
    listed = json.loads(cli("playbook", "list", "--json").stdout)
    assert [v["state"] for v in listed] == ["pending"]

    refused = cli("playbook", "approve", ident["sha256"][:10], "--by", "alice")
    assert refused.returncode == 2
    assert "maker-checker" in refused.stderr and "Traceback" not in refused.stderr
    assert json.loads(cli("playbook", "list", "--json").stdout)[0]["state"] == "pending"

    ok = cli("playbook", "approve", ident["sha256"][:10], "--by", "bob", "--json")
    assert ok.returncode == 0, ok.stderr
    shown = json.loads(cli("playbook", "show", ident["sha256"][:8], "--json").stdout)
    assert shown["state"] == "approved" and shown["approvals"][0]["approver"] == "bob"
    assert "remind_sms.j2" in shown["templates"]


def test_activation_is_immutable_and_idempotent(cli: Cli) -> None:
    first = json.loads(cli("playbook", "activate", str(CN_PLAYBOOK), "--by", "alice", "--json").stdout)
    second = json.loads(cli("playbook", "activate", str(CN_PLAYBOOK), "--by", "carol", "--json").stdout)
    assert first == second
    listed = json.loads(cli("playbook", "list", "--json").stdout)
    assert len(listed) == 1 and listed[0]["author"] == "alice"


def test_unknown_or_ambiguous_reference_is_a_user_error(cli: Cli) -> None:
    result = cli("playbook", "approve", "ffffffff", "--by", "bob")
    assert result.returncode == 2 and "no stored playbook version" in result.stderr


def test_overlapping_scopes_cannot_both_be_approved(cli: Cli, tmp_path: Path) -> None:
    ident = json.loads(cli("playbook", "activate", str(CN_PLAYBOOK), "--by", "alice", "--json").stdout)
    assert cli("playbook", "approve", ident["sha256"], "--by", "bob").returncode == 0
    copy_dir = tmp_path / "pb"
    shutil.copytree(CN_PLAYBOOK.parent, copy_dir)
    twin = copy_dir / "cn-twin.yaml"
    twin.write_text(CN_PLAYBOOK.read_text(encoding="utf-8").replace("name: cn-credit-card", "name: cn-twin", 1))
    result = cli("playbook", "activate", str(twin), "--by", "alice")
    assert result.returncode == 2
    assert "overlaps approved playbook cn-credit-card" in result.stderr


def test_run_without_an_approved_playbook_is_a_user_error(cli: Cli) -> None:
    assert cli("playbook", "activate", str(CN_PLAYBOOK), "--by", "alice").returncode == 0
    result = cli("run", "daily", "--as-of", "2026-11-30", "--json")
    assert result.returncode == 2 and "no approved playbook" in result.stderr
