"""The collectors' day through the real CLI and Prefect flow (issue #11, contract "Collectors'
day: roster and worklists"): an approved roster, a daily run, then `arrears worklist` prints
each collector's slots in order, inside their hours and the lawful hours; the overflow is
counted in `run daily --json` and listed by `worklist --overflow`; agency placement files
are masked as each agency's contract allows; the next day keeps yesterday's collectors."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import record_fixtures as rf
from record_fixtures import AS_OF, Cli, seed

from engine.store.allocations import read_day
from engine.store.db import get_engine

pytestmark = pytest.mark.slow
db_url, prefect_api, cli = rf.db_url, rf.prefect_api, rf.cli

ROSTER = """\
kind: roster
version: 1
name: tight
timezone: Asia/Shanghai
handle_minutes: 15
collectors:
  - {id: li, queues: [negotiation-team, vip-desk], languages: [zh], capacity: 6, hours: ["09:00", "12:00"]}
  - {id: wang, queues: [negotiation-team, senior-collectors], languages: [zh], capacity: 5, hours: ["20:00", "23:30"]}
  - {id: zhao, queues: [senior-collectors], languages: [zh], capacity: 4, hours: ["09:00", "18:00"],
     absent: [2026-11-30]}
agencies:
  - {id: ag-cn, queues: [agency-approved-01], fields: [account_id, name, phone, dpd], unmasked: [name]}
"""


def _approve_roster(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "roster.yaml"
    path.write_text(ROSTER, encoding="utf-8")
    sha = json.loads(cli("playbook", "activate", str(path), "--by", "planner", "--json").stdout)["sha256"]
    assert cli("playbook", "approve", sha, "--by", "head").returncode == 0


def _worklist(cli: Cli, *args: str) -> list[dict]:
    result = cli("worklist", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_collectors_day_from_roster_to_worklist(cli: Cli, db_url: str, tmp_path: Path, prefect_api: str) -> None:
    seed(db_url, tmp_path / "pf", n=200)
    _approve_roster(cli, tmp_path)
    run = cli("run", "daily", "--as-of", AS_OF, "--json", api_url=prefect_api)
    assert run.returncode == 0, run.stderr
    allocation = json.loads(run.stdout)["allocation"]
    rows = _worklist(cli, "--date", AS_OF)
    assert rows and set(rows[0]) == {"collector", "position", "account_id", "slot", "priority", "reason"}
    assert [datetime.fromisoformat(r["slot"]) for r in rows] == sorted(datetime.fromisoformat(r["slot"]) for r in rows)
    assert len({r["account_id"] for r in rows}) == len(rows)
    per = {c: [r for r in rows if r["collector"] == c] for c in ("li", "wang", "zhao")}
    assert len(per["li"]) <= 6 and len(per["wang"]) <= 5 and not per["zhao"]  # capacity; zhao is absent
    for r in rows:
        local = datetime.fromisoformat(r["slot"]).astimezone(ZoneInfo("Asia/Shanghai"))
        minute = local.hour * 60 + local.minute
        if r["collector"] == "li":
            assert 9 * 60 <= minute <= 12 * 60 - 15
        else:  # wang works 20:00–23:30, but CN quiet hours start at 22:00: a call must end by then
            assert 20 * 60 <= minute <= 22 * 60 - 15
    assert _worklist(cli, "--date", AS_OF, "--collector", "li") == per["li"]
    listed = _worklist(cli, "--date", AS_OF, "--overflow")
    kinds = [r["outcome"] for r in listed]
    assert kinds.count("overflow") == allocation["overflow"] > 0  # 200 accounts, 15 places
    assert kinds.count("unslotted") == allocation["unslotted"]
    assert all(r["overflow_to"] == "robot-overflow" for r in listed if r["outcome"] == "overflow")
    assert allocation["slotted"] == len(rows)
    placements = list((tmp_path / "home" / "placements" / AS_OF).glob("*.csv"))
    assert [p.name for p in placements] == ["ag-cn.csv"]
    lines = placements[0].read_text(encoding="utf-8").splitlines()
    assert lines[0] == "account_id,name,phone,dpd" and len(lines) - 1 == allocation["agency"] > 0
    assert all("*" in line.split(",")[2] and "*" not in line.split(",")[1] for line in lines[1:])

    tomorrow = "2026-12-01"
    assert cli("run", "daily", "--as-of", tomorrow, "--json", api_url=prefect_api).returncode == 0
    days = {d: {r.account_id: r for r in read_day(get_engine(db_url), d)} for d in (AS_OF, tomorrow)}
    same_queue = [
        (days[AS_OF][a], r)
        for a, r in days[tomorrow].items()
        if a in days[AS_OF] and days[AS_OF][a].outcome == r.outcome == "collector" and days[AS_OF][a].queue == r.queue
    ]
    assert same_queue and all(y.collector == t.collector for y, t in same_queue)  # continuity
