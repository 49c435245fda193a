"""`arrears emergency …`, `arrears events ingest` and `arrears check` through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import record_fixtures as rf


@pytest.fixture
def run(arrears_cmd, tmp_path: Path):
    env = {
        **os.environ,
        "ARREARS_HOME": str(tmp_path / "home"),
        "ARREARS_EMERGENCY_RESPONSE": "inline",
    }
    env.pop("ARREARS_DATABASE_URL", None)
    env.pop("ARREARS_API_KEY", None)
    db_url = f"sqlite:///{(tmp_path / 'home' / 'arrears.sqlite').resolve()}"

    def _run(*args: str, user: str | None = None) -> subprocess.CompletedProcess[str]:
        key = rf.key_for_args(db_url, args, user)  # the user's own key (ops unless named otherwise)
        own = {**env, "ARREARS_API_KEY": key} if key else env
        return subprocess.run([*arrears_cmd, *args], capture_output=True, text=True, timeout=120, env=own)

    return _run


def _json(proc: subprocess.CompletedProcess[str]):
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_declare_status_stand_down(run) -> None:
    t2 = _json(run("emergency", "declare", "--tier", "2", "--scope", "collector=c7", "--reason", "complaints",
                   "--by", "alice", "--json"))
    t1 = _json(run("emergency", "declare", "--tier", "1", "--scope", "jurisdiction=us", "--reason", "media",
                   "--by", "bob", "--json"))
    assert t1["scope"] == "jurisdiction=US" and t2["response"]["notices"]
    status = _json(run("emergency", "status", "--json"))
    assert [(s["emergency_id"], s["tier"], s["state"]) for s in status] == [
        (t2["emergency_id"], 2, "active"),
        (t1["emergency_id"], 1, "active"),
    ]
    assert set(status[0]) >= {"emergency_id", "tier", "scope", "declared_by", "declared_at", "state"}

    t1id = t1["emergency_id"]
    as_two = run("emergency", "stand-down", t1id, "--by", "bob", "--by", "carol", "--reason", "ok", user="bob")
    assert as_two.returncode == 3 and "--by carol is not you" in as_two.stderr  # one key, one person
    first = _json(run("emergency", "stand-down", t1id, "--reason", "retracted", "--json", user="bob"))
    assert first["state"] == "active" and first["pending"] == {"action": "stand_down", "by": ["bob"]}
    same = run("emergency", "confirm-stand-down", t1id, user="bob")
    assert same.returncode == 2 and "same user twice is one person" in same.stderr
    assert _json(run("emergency", "status", "--json"))[0]["state"] == "active"  # still held
    done = _json(run("emergency", "confirm-stand-down", t1id, "--json", user="carol"))
    assert done["state"] == "stood_down" and done["stood_down_by"] == ["bob", "carol"]
    status = _json(run("emergency", "status", "--json"))
    assert [s["emergency_id"] for s in status] == [t2["emergency_id"]]  # the other stays
    assert run("audit", "verify").returncode == 0


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["declare", "--tier", "4", "--scope", "all", "--reason", "r", "--by", "a"], "tier must be 1, 2 or 3"),
        (["declare", "--tier", "2", "--scope", "region=n", "--reason", "r", "--by", "a"], "unknown key 'region'"),
        (["declare", "--tier", "2", "--scope", "collector", "--reason", "r", "--by", "a"], "is not KEY=VALUE"),
        (["stand-down", "EM-20260101-deadbeef", "--by", "a", "--reason", "r"], "unknown emergency id"),
        (["confirm", "PR-nope", "--by", "a"], "unknown emergency id"),
    ],
)
def test_bad_input_exits_2(run, args, fragment) -> None:
    proc = run("emergency", *args)
    assert proc.returncode == 2, proc.stdout
    assert fragment in proc.stderr and "Traceback" not in proc.stderr


def test_check_applies_emergencies(run, tmp_path: Path) -> None:
    account = tmp_path / "acc.json"
    account.write_text(json.dumps({"account_id": "A1", "debtor_id": "D1", "jurisdiction": "CN",
                                   "balance": "8000.00", "dpd": 20, "timezone": "Asia/Shanghai"}))
    action = tmp_path / "act.json"
    action.write_text(json.dumps({"channel": "call", "at": "2026-05-11T10:00:00+08:00", "recorded": True}))
    assert _json(run("check", "--account", str(account), "--action", str(action), "--json"))["allowed"] is True
    em = _json(run("emergency", "declare", "--tier", "3", "--scope", "debtor=D1", "--reason", "agitated",
                   "--by", "alice", "--json"))
    proc = run("check", "--account", str(account), "--action", str(action), "--json")
    assert proc.returncode == 1
    verdict = json.loads(proc.stdout)
    assert verdict["allowed"] is False and verdict["next_allowed_at"] is None
    assert verdict["violations"][-1]["rule"] == "EMERGENCY.TIER3"
    assert em["emergency_id"] in verdict["violations"][-1]["reason"]


def test_events_ingest_and_confirm(run, tmp_path: Path) -> None:
    lines = [
        {"event_id": "c1", "kind": "complaint", "at": "2026-11-01T09:00:00+00:00", "collector": "c7"},
        {"event_id": "c2", "kind": "complaint", "at": "2026-11-01T20:00:00+00:00", "collector": "c7"},
        {"event_id": "c3", "kind": "complaint", "at": "2026-11-02T08:00:00+00:00", "collector": "c7"},
        {"event_id": "m1", "kind": "media", "at": "2026-11-02T08:30:00+00:00", "names_lender": True},
    ]
    events = tmp_path / "events.jsonl"
    events.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    outcomes = _json(run("events", "ingest", str(events), "--json"))
    assert [(o["tier"], o["scope"], o["result"]) for o in outcomes] == [
        (2, "collector=c7", "declared"),
        (1, "all", "proposed"),
    ]
    proposal = outcomes[1]["emergency_id"]
    confirmed = _json(run("emergency", "confirm", proposal, "--by", "ops.lead", "--json"))
    assert confirmed["tier"] == 1 and confirmed["state"] == "active" and confirmed["proposal_id"] == proposal

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"kind": "complaint", "at": "2026-11-01T09:00:00+00:00", "colector": "c7"}\n')
    proc = run("events", "ingest", str(bad))
    assert proc.returncode == 2 and "bad.jsonl:1" in proc.stderr


def test_drill(run) -> None:
    drill = _json(run("emergency", "drill", "--tier", "1", "--json"))
    assert drill["drill"] is True and drill["state"] == "drill"
    assert drill["response"]["suspended"] == "nothing (drill)" and len(drill["response"]["notices"]) == 3
    assert _json(run("emergency", "status", "--json")) == []
    notices = _json(run("emergency", "notices", drill["emergency_id"], "--json"))
    assert all(n["drill"] and n["title"].startswith("[DRILL]") for n in notices)


def test_events_ingested_in_separate_files_correlate_through_the_database(run, tmp_path: Path) -> None:
    """Complaints trickle in one file at a time; the 24 h window spans the files."""
    at = ["2026-11-01T09:00:00+00:00", "2026-11-01T20:00:00+00:00", "2026-11-02T08:00:00+00:00"]
    results = []
    for i, when in enumerate(at):
        f = tmp_path / f"batch-{i}.jsonl"
        f.write_text(json.dumps({"event_id": f"k{i}", "kind": "complaint", "at": when, "collector": "c8"}) + "\n")
        results.append(_json(run("events", "ingest", str(f), "--json")))
    assert results[0] == [] and results[1] == []
    assert [(o["tier"], o["scope"], o["result"]) for o in results[2]] == [(2, "collector=c8", "declared")]
    again = _json(run("events", "ingest", str(tmp_path / "batch-2.jsonl"), "--json"))
    assert again == []  # idempotent: the same events never declare twice


def test_tier3_is_lifted_and_every_view_agrees(run, tmp_path: Path) -> None:
    """Issue 9, defect 4, through the real CLI: Tier 3 `all` is refused as its help says; a
    Tier 3 on one debtor cools off after stand-down, every command says so and until when,
    and two people end the cooling-off early; then contact resumes and the chain verifies."""
    refused = run("emergency", "declare", "--tier", "3", "--scope", "all", "--reason", "r", "--by", "alice")
    assert refused.returncode == 2 and "`all` is not allowed; use account=… or debtor=…" in refused.stderr
    assert _json(run("emergency", "status", "--json")) == []  # nothing written

    account = tmp_path / "acc.json"
    account.write_text(json.dumps({"account_id": "A1", "debtor_id": "D1", "jurisdiction": "CN",
                                   "balance": "8000.00", "dpd": 20, "timezone": "Asia/Shanghai"}))
    action = tmp_path / "act.json"
    action.write_text(json.dumps({"channel": "call", "at": "2026-05-11T10:00:00+08:00", "recorded": True}))
    check = ("check", "--account", str(account), "--action", str(action), "--json")
    em = _json(run("emergency", "declare", "--tier", "3", "--scope", "debtor=D1", "--reason", "agitated",
                   "--by", "alice", "--json"))
    eid = em["emergency_id"]
    down = _json(run("emergency", "stand-down", eid, "--by", "bob", "--reason", "calm", "--json"))
    assert down["state"] == "cooling_off" and down["ends_at"] == down["cooling_off_until"]

    (status,) = _json(run("emergency", "status", "--json"))
    verdict = json.loads(run(*check).stdout)
    report = _json(run("audit", "report", "--date", "2026-05-11", "--json"))["emergencies"]
    again = run("emergency", "stand-down", eid, "--by", "bob", "--reason", "again")
    assert status["state"] == report[0]["state"] == "cooling_off"
    assert verdict["allowed"] is False and verdict["next_allowed_at"] == status["ends_at"] == report[0]["ends_at"]
    assert again.returncode == 2 and "in cooling-off until" in again.stderr and "end-cooling-off" in again.stderr

    one = _json(run("emergency", "end-cooling-off", eid, "--by", "bob", "--reason", "debtor asked for a call",
                    "--json"))
    assert one["state"] == "cooling_off" and one["pending"] == {"action": "end_cooling_off", "by": ["bob"]}
    assert json.loads(run(*check).stdout)["allowed"] is False  # one signature ends nothing
    ended = _json(run("emergency", "confirm-end-cooling-off", eid, "--by", "carol", "--json"))
    assert ended["state"] == "stood_down" and ended["cooling_off_ended_by"] == ["bob", "carol"]
    assert _json(run("emergency", "status", "--json")) == []
    assert _json(run(*check))["allowed"] is True
    report = _json(run("audit", "report", "--date", "2026-05-11", "--json"))
    assert report["emergencies"][0]["state"] == "stood_down"
    assert "EMERGENCY_COOLING_OFF_ENDED" in [e["event"] for e in report["emergency_log"]]
    assert run("audit", "verify").returncode == 0


def test_declare_help_names_the_scopes_each_tier_allows(run) -> None:
    """The help is what the plan enforces: each tier's help part names its `scopes`."""
    from emergency.plan import load_plan
    from flows.commands.emergency import TIER_HELP

    plan = load_plan()
    parts = dict(part.strip().split(":", 1) for part in TIER_HELP.split(";"))
    for n in (1, 2, 3):
        allowed = plan.tier(n).scopes
        for key in ("all", "account", "debtor", "segment", "collector", "agency", "jurisdiction"):
            named = (key in parts[str(n)]) and not (key == "all" and "never all" in parts[str(n)])
            assert named == (key in allowed), (n, key, parts[str(n)])
    assert "never all" in run("emergency", "declare", "--help").stdout


def test_flow_response_says_what_it_waits_for_before_waiting(monkeypatch, capsys) -> None:
    """Issue 9, defect 10: `declare` waited ~10 s for the Prefect response in silence."""
    import sys
    import types

    from flows.commands.emergency import respond

    seen: list[str] = []

    def fake_flow(emergency_id: str, plan: str) -> dict:
        seen.append(capsys.readouterr().err)  # what the user had been told when the wait began
        return {"emergency_id": emergency_id}

    monkeypatch.setitem(sys.modules, "flows.emergency", types.SimpleNamespace(emergency_response=fake_flow))
    record = types.SimpleNamespace(emergency_id="EM-20261202-00000000")
    assert respond(record, None, "flow") == {"emergency_id": "EM-20261202-00000000"}
    assert "EM-20261202-00000000 is recorded" in seen[0] and "Prefect flow `emergency-response`" in seen[0]
    assert "--response inline" in seen[0]
