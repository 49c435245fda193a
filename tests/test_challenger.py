"""Champion/challenger: the stable hash split, maker-checker on challenge and promote, groups
in the daily run's decisions and `audit explain`, `kpi --by group` with its interval."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import record_fixtures as rf
from cli_helpers import assert_refused
from record_fixtures import AS_OF, CN_PLAYBOOK, ROOT, seed
from sqlalchemy import select

from engine.kpi.compare import difference
from engine.run.experiment import group_of
from engine.store.db import get_engine
from engine.store.models import AuditLog, DecisionRow

db_url, prefect_api, cli = rf.db_url, rf.prefect_api, rf.cli
DAY2 = "2026-12-01"


@pytest.mark.parametrize("share", ["0.2", "0.5", "0.05"])
def test_split_is_within_one_point_of_the_share_on_100k_accounts(share: str) -> None:
    groups = [group_of("exp-0123456789ab", f"ACC-{i:07d}", share) for i in range(100_000)]
    assert abs(groups.count("challenger") / len(groups) - float(share)) < 0.01


def test_split_is_stable_across_computations_and_processes() -> None:
    ids = [f"CN-{i}" for i in range(2000)]
    first = [group_of("exp-aa", i, Decimal("0.3")) for i in ids]
    assert first == [group_of("exp-aa", i, "0.3") for i in ids]
    code = (
        "import json,sys; from engine.run.experiment import group_of; "
        f"print(json.dumps([group_of('exp-aa', f'CN-{{i}}', '0.3') for i in range({len(ids)})]))"
    )
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert json.loads(other.stdout) == first  # a new process (new hash salt for str) splits the same
    assert first != [group_of("exp-bb", i, "0.3") for i in ids]  # each experiment its own split


def test_interval_covers_a_known_difference_and_narrows_with_more_accounts() -> None:
    rng = np.random.default_rng(7)

    def groups(n: int) -> dict:
        opening = rng.uniform(1000, 5000, size=(2, n))
        return {
            "champion": (opening[0] * rng.binomial(1, 0.2, n), opening[0]),
            "challenger": (opening[1] * rng.binomial(1, 0.3, n), opening[1]),
        }

    small, large = difference(groups(500)), difference(groups(20_000))
    assert small and large
    for c in (small, large):
        assert Decimal(c["ci95_low"]) < Decimal(c["difference"]) < Decimal(c["ci95_high"])
    assert Decimal(large["ci95_low"]) < Decimal("0.1") < Decimal(large["ci95_high"])
    assert Decimal(large["ci95_high"]) - Decimal(large["ci95_low"]) < Decimal(small["ci95_high"]) - Decimal(
        small["ci95_low"]
    )
    one = difference({"champion": (np.array([1.0]), np.array([2.0])), "challenger": groups(10)["challenger"]})
    assert one and one["ci95_low"] is None  # one account: no interval is made up


def _challenger_playbook(tmp_path: Path) -> Path:
    """The CN playbook as a new revision, with its templates next to it."""
    folder = tmp_path / "pb"
    shutil.copytree(CN_PLAYBOOK.parent / "templates", folder / "templates")
    text = re.sub(r'(?m)^revision: "([^"]+)"', r'revision: "\1-challenger"', CN_PLAYBOOK.read_text(encoding="utf-8"))
    path = folder / "cn-credit-card.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _sha(cli, *args: str) -> str:
    out = cli(*args, "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["sha256"]


def _start(cli, db_url: str, tmp_path: Path, share: str = "0.5") -> tuple[str, str, str]:
    """Seeded record with r1 and r2 approved and an experiment started; (champion, challenger, id)."""
    seed(db_url, tmp_path, n=80)
    champion = _sha(cli, "playbook", "activate", str(CN_PLAYBOOK), "--by", "strategist")
    challenger = _sha(cli, "playbook", "activate", str(_challenger_playbook(tmp_path)), "--by", "strategist")
    assert cli("playbook", "approve", challenger[:12], "--by", "risk-officer").returncode == 0
    made = cli("playbook", "challenge", champion[:12], challenger[:12], "--share", share, "--by", "maker", "--json")
    assert made.returncode == 0, made.stderr
    x = json.loads(made.stdout)
    assert x["state"] == "proposed"
    assert_refused(cli("playbook", "approve", x["experiment_id"], "--by", "maker"))  # maker-checker
    started = cli("playbook", "approve", x["experiment_id"], "--by", "risk-officer", "--json")
    assert started.returncode == 0, started.stderr
    assert json.loads(started.stdout)["state"] == "running"
    return champion, challenger, x["experiment_id"]


def test_challenge_refusals_exit_2_and_change_nothing(cli, db_url: str, tmp_path: Path) -> None:
    seed(db_url, tmp_path, n=5)
    champion = _sha(cli, "playbook", "activate", str(CN_PLAYBOOK), "--by", "strategist")
    pending = _sha(cli, "playbook", "activate", str(_challenger_playbook(tmp_path)), "--by", "strategist")
    uk = _sha(cli, "playbook", "activate", str(ROOT / "playbooks" / "uk-consumer-credit.yaml"), "--by", "strategist")
    assert cli("playbook", "approve", uk[:12], "--by", "risk-officer").returncode == 0
    cases = [
        ((champion, pending, "0.2"), "is not approved"),
        ((champion, uk, "0.2"), "same playbook"),
        ((champion, champion, "0.2"), "same version"),
        ((champion, uk, "1"), "strictly between 0 and 1"),
        ((champion, uk, "0"), "strictly between 0 and 1"),
        ((champion, uk, "abc"), "expected a decimal"),
        ((champion, uk, "0.12345"), "4 decimal places"),
    ]
    for (a, b, share), message in cases:
        result = cli("playbook", "challenge", a[:12], b[:12], "--share", share, "--by", "strategist")
        problems = assert_refused(result)
        assert message in problems[0]["message"], (share, problems)
    listed = cli("playbook", "experiments", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout) == []


@pytest.mark.slow
def test_daily_run_groups_stable_kpis_and_promotion(cli, db_url: str, tmp_path: Path, prefect_api: str) -> None:
    champion, challenger, eid = _start(cli, db_url, tmp_path)
    for day in (AS_OF, DAY2):
        run = cli("run", "daily", "--as-of", day, "--json", api_url=prefect_api)
        assert run.returncode == 0, run.stderr
    d = DecisionRow.__table__
    with get_engine(db_url).connect() as conn:
        rows = conn.execute(select(d.c.account_id, d.c.business_date, d.c.playbook_sha256, d.c.decision)).all()
    groups: dict[str, set[str]] = {}
    days: dict[str, set[str]] = {}
    for account_id, day, sha, text in rows:
        decision = json.loads(text)
        if decision["stage"] is None:
            continue
        group = decision["group"]
        assert list(decision)[-3:] == ["group", "resolution", "promise"]
        assert group == group_of(eid, account_id, "0.5")
        assert sha == (challenger if group == "challenger" else champion)
        groups.setdefault(account_id, set()).add(group)
        days.setdefault(account_id, set()).add(day)
    assert all(len(g) == 1 for g in groups.values())  # one group for the whole experiment
    assert all(d == {AS_OF, DAY2} for d in days.values())  # decided on both days
    assert {"champion", "challenger"} == set().union(*groups.values())
    some = next(iter(groups))
    explained = cli("audit", "explain", some, "--date", DAY2)
    assert f"experiment group {next(iter(groups[some]))}" in explained.stdout

    kpi = cli("kpi", "--from", AS_OF, "--to", DAY2, "--by", "group", "--json")
    assert kpi.returncode == 0, kpi.stderr
    by_group = {r["group"]: r for r in json.loads(kpi.stdout)}
    assert {"champion", "challenger"} <= set(by_group)
    assert by_group["champion"]["accounts"] + by_group["challenger"]["accounts"] == len(groups)
    vs = by_group["challenger"]["vs_champion"]
    assert vs["metric"] == "recovery_rate" and set(vs) >= {"difference", "ci95_low", "ci95_high"}
    printed = cli("kpi", "--from", AS_OF, "--to", DAY2, "--by", "group")
    assert "95% CI" in printed.stdout

    assert_refused(cli("playbook", "promote", eid, "--winner", "nobody", "--by", "strategist"))
    assert cli("playbook", "promote", eid, "--winner", "champion", "--by", "strategist").returncode == 0
    assert_refused(cli("playbook", "approve", eid, "--by", "strategist"))
    ended = cli("playbook", "approve", eid, "--by", "risk-officer", "--json")
    assert json.loads(ended.stdout)["state"] == "ended"
    versions = {v["sha256"]: v["state"] for v in json.loads(cli("playbook", "list", "--json").stdout)}
    assert versions[champion] == "approved" and versions[challenger] == "superseded"
    with get_engine(db_url).connect() as conn:
        trail = [e for (e,) in conn.execute(select(AuditLog.event).where(AuditLog.subject == eid))]
    assert trail == ["EXPERIMENT_PROPOSED", "EXPERIMENT_STARTED", "EXPERIMENT_PROMOTION_PROPOSED", "EXPERIMENT_ENDED"]
    verify = cli("audit", "verify", "--json")
    assert verify.returncode == 0, verify.stdout
    run3 = cli("run", "daily", "--as-of", "2026-12-02", "--json", api_url=prefect_api)
    assert run3.returncode == 0, run3.stderr
    with get_engine(db_url).connect() as conn:
        after = conn.execute(select(d.c.decision).where(d.c.business_date == "2026-12-02")).scalars().all()
    assert after and all("group" not in json.loads(t) for t in after)  # the experiment is over


def test_promoting_the_challenger_makes_it_the_approved_version(cli, db_url: str, tmp_path: Path) -> None:
    champion, challenger, eid = _start(cli, db_url, tmp_path, share="0.25")
    assert cli("playbook", "approve", champion[:12], "--by", "risk-officer").returncode == 0  # champion in force
    again = cli("playbook", "challenge", champion[:12], challenger[:12], "--share", "0.1", "--by", "maker")
    assert "already has experiment" in assert_refused(again)[0]["message"]
    assert_refused(cli("playbook", "approve", eid, "--by", "risk-officer"))  # running: nothing to approve
    promoted = cli("playbook", "promote", eid, "--winner", "challenger", "--by", "maker", "--json")
    assert json.loads(promoted.stdout)["state"] == "promoting"
    assert_refused(cli("playbook", "approve", eid, "--by", "maker"))
    assert cli("playbook", "approve", eid, "--by", "risk-officer").returncode == 0
    versions = {v["sha256"]: v for v in json.loads(cli("playbook", "list", "--json").stdout)}
    assert versions[challenger]["state"] == "approved" and versions[champion]["state"] == "superseded"
    assert versions[challenger]["approvals"][-1]["approver"] == "risk-officer"
    (x,) = json.loads(cli("playbook", "experiments", "--json").stdout)
    assert (x["state"], x["winner"]) == ("ended", "challenger")
    assert_refused(cli("playbook", "promote", eid, "--winner", "champion", "--by", "maker"))  # already ended
    assert cli("audit", "verify").returncode == 0
