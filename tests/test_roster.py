"""`kind: roster` files (issue #11): validated like playbooks with every fault at
`FILE:LINE:COL`, stored and approved with maker-checker, never mistaken for a playbook; and
the playbook's `allocation` section validated at its position."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import record_fixtures as rf
from cli_helpers import PLAYBOOK, assert_refused, position, run, write_playbook
from record_fixtures import Cli
from sqlalchemy import select

from engine.playbook.schema import render
from engine.store.db import get_engine
from engine.store.models import AuditLog, PlaybookApproval

db_url, cli = rf.db_url, rf.cli
ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "playbooks" / "rosters" / "demo.yaml"

GOOD = """\
kind: roster
version: 1
name: r
timezone: Asia/Shanghai
collectors:
  - {id: li, queues: [negotiation], languages: [zh], capacity: 20, hours: ["09:00", "18:00"], absent: [2027-02-12]}
  - {id: wang, queues: [negotiation], languages: [zh, en], capacity: 10, hours: ["10:00", "19:00"]}
agencies:
  - {id: ag1, queues: [agency-01], fields: [account_id, name, balance], unmasked: [name]}
"""


def _write(tmp_path: Path, text: str, name: str = "roster.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_demo_roster_validates(arrears_cmd: list[str]) -> None:
    result = run(arrears_cmd, "validate", "--json", DEMO)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["name"] == "demo-roster"


def test_the_demo_roster_names_collector_queues_of_the_shipped_playbooks() -> None:
    import yaml

    queues = set()
    for pb in (ROOT / "playbooks").glob("*-*.yaml"):
        text = pb.read_text(encoding="utf-8")
        queues |= {q.split()[0].rstrip("}") for q in text.split("queue:")[1:]}
    roster = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    named = {q for c in roster["collectors"] + roster["agencies"] for q in c["queues"]}
    assert named <= queues, named - queues


def test_committed_roster_schema_is_fresh() -> None:
    assert (ROOT / "docs" / "roster.schema.json").read_text(encoding="utf-8") == render("roster"), (
        "docs/roster.schema.json is stale: run `python -m engine.playbook.schema roster > docs/roster.schema.json`"
    )


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ("name: r\n", "name: r\nteam: x\n", "team", "team: unknown key"),
        ("capacity: 20", "capacity: 20, shift: late", "shift", "collectors.0.shift: unknown key"),
        ("capacity: 20", "capacity: -1", "-1", "collectors.0.capacity: Input should be greater than or equal to 0"),
        ('["09:00", "18:00"]', '["18:00", "09:00"]', '["18:00"', "collectors.0.hours: hours 18:00–09:00"),
        ('"18:00"]', '"25:00"]', '"25:00"', "collectors.0.hours.1:"),
        ("[2027-02-12]", "[2027-02-30]", "2027-02-30", "'2027-02-30' is not a valid value"),
        (
            "[2027-02-12]",
            "[2027-02-12, 2027-02-12]",
            "2027-02-12]",
            "collectors.0.absent.1: 2027-02-12 is listed twice",
        ),
        (
            "id: wang",
            "id: li",
            "li, queues: [negotiation], languages: [zh, en]",
            "collectors.1.id: 'li' is listed twice",
        ),
        ("languages: [zh]", "languages: [Chinese]", "Chinese", "collectors.0.languages.0: String should match"),
        ("timezone: Asia/Shanghai", "timezone: Mars/Base", "Mars/Base", "timezone:"),
        ("unmasked: [name]", "unmasked: [ssn]", "ssn", "agencies.0.unmasked.0:"),
    ],
)
def test_bad_rosters_are_refused_at_their_position(
    arrears_cmd: list[str], tmp_path: Path, old: str, new: str, needle: str, message: str
) -> None:
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    path = _write(tmp_path, text)
    found = assert_refused(run(arrears_cmd, "validate", path))
    assert len(found) == 1, found
    assert found[0]["file"] == str(path)
    assert (int(found[0]["line"]), int(found[0]["col"])) == position(text, needle), found
    assert message in found[0]["message"], found


@pytest.mark.parametrize(
    ("section", "needle", "message"),
    [
        ("allocation: {top_band_priority: 101}\n", "101", "allocation.top_band_priority is outside"),
        ("allocation: {top_band_share: 1.5}\n", "1.5", "allocation.top_band_share: Input should be less than"),
        ("allocation: {overflow: elsewhere}\n", "elsewhere", "allocation.overflow: String should match"),
        ("allocation: {spill: robot}\n", "spill", "allocation.spill: unknown key"),
    ],
)
def test_bad_allocation_sections_are_refused(
    arrears_cmd: list[str], tmp_path: Path, section: str, needle: str, message: str
) -> None:
    text = PLAYBOOK.replace("stages:\n", section + "stages:\n", 1)
    path = write_playbook(tmp_path, text)
    found = assert_refused(run(arrears_cmd, "validate", path))
    assert any(message in f["message"] for f in found), found
    if "outside" not in message:  # a cross-field rule is reported at the playbook's root
        assert any((int(f["line"]), int(f["col"])) == position(text, needle) for f in found), found


def test_a_roster_is_stored_and_approved_by_someone_else(cli: Cli, db_url: str, tmp_path: Path) -> None:
    rf.seed(db_url, tmp_path / "pf", n=5)
    stored = cli("playbook", "activate", str(_write(tmp_path, GOOD)), "--by", "planner", "--json")
    assert stored.returncode == 0, stored.stderr
    sha = json.loads(stored.stdout)["sha256"]
    refused = cli("playbook", "approve", sha, "--by", "planner")
    assert refused.returncode == 2 and "maker-checker" in refused.stderr
    assert cli("playbook", "approve", sha, "--by", "head-of-collections").returncode == 0
    second = _write(tmp_path, GOOD.replace("version: 1", "version: 2"), "r2.yaml")
    sha2 = json.loads(cli("playbook", "activate", str(second), "--by", "planner", "--json").stdout)["sha256"]
    assert cli("playbook", "approve", sha2, "--by", "head-of-collections").returncode == 0
    listed = {i["sha256"]: i["state"] for i in json.loads(cli("playbook", "list", "--json").stdout)}
    assert listed[sha] == "superseded" and listed[sha2] == "approved"
    from engine.store.playbooks import loaded_in_force
    from engine.store.roster import approved_roster

    engine = get_engine(db_url)
    assert [p.playbook.name for p in loaded_in_force(engine)] == ["cn-credit-card"]
    assert approved_roster(engine).sha256 == sha2  # type: ignore[union-attr]
    with engine.connect() as conn:
        events = [e for e in conn.execute(select(AuditLog.event)).scalars() if e.startswith("ROSTER")]
        names = set(conn.execute(select(PlaybookApproval.name)).scalars())
    assert events == ["ROSTER_ACTIVATED", "ROSTER_APPROVED", "ROSTER_ACTIVATED", "ROSTER_APPROVED"]
    assert "roster:current" in names
    assert cli("audit", "verify").returncode == 0
