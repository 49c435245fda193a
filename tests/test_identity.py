"""Identity and roles on every change (issue #14): keys, the role matrix, maker-checker and
the two-person rule by *users*, and the audit trail naming them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import record_fixtures as rf
from record_fixtures import CN_PLAYBOOK, Cli
from sqlalchemy import select

from engine.identity.roles import PERMISSIONS, ROLES
from engine.identity.tables import UserRow
from engine.store.db import get_engine
from engine.store.models import AuditLog

db_url, cli = rf.db_url, rf.cli

# Every command that changes the record: (permission, argv whose allowed run is cheap: it fails
# on its input with exit 2 or succeeds without side effects worth a test; never exit 3).
EMPTY = "{empty}"
MATRIX: list[tuple[str, list[str]]] = [
    ("playbook.activate", ["playbook", "activate", "missing.yaml"]),
    ("playbook.approve", ["playbook", "approve", "deadbeef"]),
    ("import.accounts", ["import", "accounts", EMPTY]),
    ("import.history", ["import", "history", EMPTY]),
    ("import.payments", ["import", "payments", EMPTY]),
    ("import.promises", ["import", "promises", EMPTY]),
    ("run.daily", ["run", "daily", "--as-of", "2026-11-30"]),
    ("emergency.declare", ["emergency", "declare", "--tier", "4", "--scope", "all", "--reason", "r"]),
    ("emergency.declare", ["emergency", "drill", "--tier", "9"]),
    ("emergency.declare", ["emergency", "confirm", "PR-nope"]),
    ("emergency.declare", ["emergency", "escalate"]),
    ("emergency.declare", ["events", "ingest", EMPTY]),
    ("emergency.stand_down", ["emergency", "stand-down", "EM-20260101-deadbeef", "--reason", "r"]),
    ("emergency.stand_down", ["emergency", "confirm-stand-down", "EM-20260101-deadbeef"]),
    ("emergency.stand_down", ["emergency", "end-cooling-off", "EM-20260101-deadbeef", "--reason", "r"]),
    ("emergency.stand_down", ["emergency", "confirm-end-cooling-off", "EM-20260101-deadbeef"]),
    ("emergency.acknowledge", ["emergency", "acknowledge", "N-nope"]),
    ("users.manage", ["users", "add", "{new}", "--role", "auditor"]),
    ("users.manage", ["users", "list"]),
    ("users.manage", ["users", "disable", "nobody"]),
    ("users.manage", ["users", "rotate-key", "nobody"]),
    ("db.upgrade", ["db", "upgrade"]),
]


def _main(monkeypatch: pytest.MonkeyPatch, url: str, key: str | None, argv: list[str]) -> int:
    from flows.cli import main

    monkeypatch.setenv("ARREARS_DATABASE_URL", url)
    monkeypatch.setenv("ARREARS_EMERGENCY_RESPONSE", "none")
    if key is None:
        monkeypatch.delenv("ARREARS_API_KEY", raising=False)
    else:
        monkeypatch.setenv("ARREARS_API_KEY", key)
    return main(argv)


def test_role_matrix_every_changing_command_by_every_role(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Allowed → never exit 3; not allowed → exit 3 naming the role it needs. Through the CLI's
    own entry point (in-process: 6 roles × every command would take minutes as subprocesses)."""
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'matrix.sqlite'}"
    keys = {role: rf.user_key(url, f"u-{role}", role) for role in ROLES}
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert {p for p, _ in MATRIX} == set(PERMISSIONS) - {"serve"}  # every permission is exercised
    for permission, argv in MATRIX:
        for role in ROLES:
            args = [a.replace(EMPTY, str(empty)).replace("{new}", f"new-by-{role}") for a in argv]
            rc = _main(monkeypatch, url, keys[role], args)
            err = capsys.readouterr().err
            allowed = role in PERMISSIONS[permission]
            assert "Traceback" not in err, (args, role, err)
            if allowed:
                assert rc != 3, (args, role, err)
            else:
                needs = " or ".join(PERMISSIONS[permission])
                assert rc == 3 and f"(role {role})" in err and f"needs role {needs}" in err, (args, role, err)
    for role in ROLES:  # serve: refused roles only (an allowed serve starts a Prefect server)
        if role not in PERMISSIONS["serve"]:
            assert _main(monkeypatch, url, keys[role], ["serve"]) == 3
            assert "needs role ops" in capsys.readouterr().err


def test_no_key_or_a_bad_key_is_one_line_exit_3(cli: Cli) -> None:
    for key in ("", "arr_000000000000_" + "x" * 43, "not-a-key"):
        proc = cli("import", "accounts", "missing.jsonl", key=key)
        assert proc.returncode == 3, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and "ARREARS_API_KEY" in proc.stderr
    assert cli("emergency", "status", "--json", key="").returncode == 0  # read-only: no key needed


def test_by_must_name_the_keys_user(cli: Cli) -> None:
    proc = cli("playbook", "activate", str(CN_PLAYBOOK), "--by", "risk-bob", user="strategist")
    assert proc.returncode == 3 and "--by risk-bob is not you" in proc.stderr and "strategist" in proc.stderr
    assert cli("playbook", "list", "--json").stdout.strip() == "[]"  # nothing stored


def test_keys_are_shown_once_and_stored_hashed(cli: Cli, db_url: str) -> None:
    first = cli("db", "upgrade", "--admin", "root", "--json")
    assert first.returncode == 0, first.stderr
    admin = json.loads(first.stdout)
    assert admin["user"] == "root" and admin["role"] == "admin" and admin["api_key"].startswith("arr_")
    again = cli("db", "upgrade", "--admin", "root2", key=admin["api_key"])
    assert again.returncode == 3 and "users exist already" in again.stderr
    added = json.loads(cli("users", "add", "olga", "--role", "ops", "--json", key=admin["api_key"]).stdout)
    assert added == {"user": "olga", "role": "ops", "api_key": added["api_key"]}
    listed = cli("users", "list", "--json", key=admin["api_key"])
    assert {u["user"]: u["role"] for u in json.loads(listed.stdout)} == {"root": "admin", "olga": "ops"}
    with get_engine(db_url).connect() as conn:
        rows = conn.execute(select(UserRow.name, UserRow.key_id, UserRow.key_hash)).all()
        audit = " ".join(" ".join(map(str, r)) for r in conn.execute(select(AuditLog.__table__)).all())
    for key in (admin["api_key"], added["api_key"]):
        secret = key.split("_", 2)[2]
        assert secret not in listed.stdout and secret not in audit
        assert all(secret not in h and h.startswith("$argon2id$") for _, _, h in rows)
    assert {k for _, k, _ in rows} == {admin["api_key"].split("_")[1], added["api_key"].split("_")[1]}


def test_disabled_user_and_rotated_key_are_refused(cli: Cli, db_url: str) -> None:
    old = rf.user_key(db_url, "ops")
    assert cli("emergency", "escalate", key=old).returncode == 0
    rotated = cli("users", "rotate-key", "ops", "--json", user="admin")
    new = json.loads(rotated.stdout)["api_key"]
    refused = cli("emergency", "escalate", key=old)
    assert refused.returncode == 3 and "unknown or was rotated" in refused.stderr
    assert cli("emergency", "escalate", key=new).returncode == 0
    assert cli("users", "disable", "ops", user="admin").returncode == 0
    off = cli("emergency", "escalate", key=new)
    assert off.returncode == 3 and "user ops is disabled" in off.stderr


def test_maker_checker_compares_users_and_the_audit_names_them(cli: Cli, db_url: str) -> None:
    rf.user_key(db_url, "sam", "strategy_owner")
    rf.user_key(db_url, "tess", "strategy_owner")
    act = cli("playbook", "activate", str(CN_PLAYBOOK), "--json", user="sam")
    sha = json.loads(act.stdout)["sha256"]
    own = cli("playbook", "approve", sha, user="sam")
    assert own.returncode == 2 and "maker-checker" in own.stderr
    assert cli("playbook", "approve", sha, user="tess").returncode == 0
    with get_engine(db_url).connect() as conn:
        lines = conn.execute(select(AuditLog.event, AuditLog.actor).order_by(AuditLog.chain_seq)).all()
    assert [(e, a) for e, a in lines if e.startswith("PLAYBOOK_")] == [
        ("PLAYBOOK_ACTIVATED", "sam"),
        ("PLAYBOOK_APPROVED", "tess"),
    ]
    assert cli("audit", "verify").returncode == 0


def test_tier1_stand_down_needs_a_second_users_own_key(cli: Cli, db_url: str) -> None:
    declared = cli("emergency", "declare", "--tier", "1", "--scope", "all", "--reason", "media", "--json",
                   "--response", "none", user="ops")
    eid = json.loads(declared.stdout)["emergency_id"]
    pending = json.loads(cli("emergency", "stand-down", eid, "--reason", "over", "--json", user="ops").stdout)
    assert pending["state"] == "active" and pending["pending"]["by"] == ["ops"]
    assert cli("emergency", "confirm-stand-down", eid, user="ops").returncode == 2  # not a second person
    assert cli("emergency", "confirm-stand-down", eid, user="dialer").returncode == 3  # not a role that may
    done = json.loads(cli("emergency", "confirm-stand-down", eid, "--json", user="ops2").stdout)
    assert done["state"] == "stood_down" and done["stood_down_by"] == ["ops", "ops2"]
    with get_engine(db_url).connect() as conn:
        lines = conn.execute(select(AuditLog.event, AuditLog.actor).order_by(AuditLog.chain_seq)).all()
    assert [(e, a) for e, a in lines if e.startswith("EMERGENCY_") and "NOTICE" not in e] == [
        ("EMERGENCY_DECLARED", "ops"),
        ("EMERGENCY_STAND_DOWN_REQUESTED", "ops"),
        ("EMERGENCY_STOOD_DOWN", "ops,ops2"),
    ]
    assert cli("audit", "verify").returncode == 0


def test_demo_users_one_per_role_with_keys_in_a_private_file(tmp_path: Path) -> None:
    from engine.identity.users import authenticate
    from engine.store.db import upgrade
    from flows.demo_users import create_demo_users

    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    upgrade(url)
    path = create_demo_users(get_engine(url), tmp_path)
    assert path.stat().st_mode & 0o777 == 0o600
    keys = json.loads(path.read_text())
    assert sorted(k["role"] for k in keys.values()) == sorted(ROLES)
    for name, entry in keys.items():
        user = authenticate(get_engine(url), entry["api_key"])
        assert (user.name, user.role) == (name, entry["role"])
