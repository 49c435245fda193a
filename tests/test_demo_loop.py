"""`arrears demo` closes the loop, through the real CLI: several business days in a row, the
simulated customers' history, promises and payments between them, then the KPI table, the
target progress and an offline HTML report; the same seed gives the same KPIs.

Three small demos (150 accounts, 3 days) against the session's Prefect test server."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import record_fixtures as rf
from record_fixtures import ROOT, arrears_exe
from sqlalchemy import func, select

from engine.store.db import get_engine
from engine.store.models import Payment, Promise

pytestmark = pytest.mark.slow
prefect_api = rf.prefect_api
SEEDS = {"a": 11, "again": 11, "other": 12}  # two runs of one seed, and another seed
DAYS = ["2026-12-02", "2026-12-03", "2026-12-04"]  # Wednesday to Friday


def _env(home: Path, api: str) -> dict[str, str]:
    """The demo makes its own database and users: later commands act as its ops user, with the
    key the demo wrote for them (so the key file it points people at is tested too)."""
    env = rf.cli_env(f"sqlite:///{home / 'arrears.sqlite'}", home, api, user=None)
    env.pop("ARREARS_DATABASE_URL")  # the demo chooses its own database in --home
    keys = home / "demo-keys.json"
    if keys.exists():
        env["ARREARS_API_KEY"] = json.loads(keys.read_text(encoding="utf-8"))["demo-ops"]["api_key"]
    return env


def _arrears(home: Path, api: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*arrears_exe(), *args], env=_env(home, api), capture_output=True, text=True, cwd=ROOT, timeout=600
    )


def _demo(tmp: Path, api: str, name: str, seed: int) -> tuple[Path, subprocess.CompletedProcess[str]]:
    home = tmp / name
    result = _arrears(home, api, "demo", "--home", str(home), "--accounts", "150", "--days", "3",
                      "--as-of", DAYS[0], "--seed", str(seed))  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return home, result


class Demos(dict):
    """The demos of this module, each run once, when a test first asks for it."""

    def __init__(self, tmp: Path, api: str) -> None:
        super().__init__()
        self.tmp, self.api = tmp, api

    def __missing__(self, name: str) -> tuple[Path, subprocess.CompletedProcess[str]]:
        self[name] = _demo(self.tmp, self.api, name, SEEDS[name])
        return self[name]


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory, prefect_api: str) -> Demos:
    return Demos(tmp_path_factory.mktemp("demos"), prefect_api)


def _kpi(home: Path, api: str, day: str, last: str | None = None) -> list[dict[str, Any]]:
    result = _arrears(home, api, "kpi", "--from", day, "--to", last or day, "--by", "jurisdiction", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _dated(home: Path, column: Any, day: str) -> int:
    with get_engine(f"sqlite:///{home / 'arrears.sqlite'}").connect() as conn:
        return conn.execute(select(func.count()).where(func.substr(column, 1, 10) == day)).scalar_one()


def test_the_loop_closes_every_day(demos: Demos) -> None:
    home, result = demos["a"]
    for day in DAYS[1:]:  # what the customers did after the first day came back as data
        assert _dated(home, Payment.paid_at, day) > 0, day
        assert _dated(home, Promise.made_at, day) > 0, day
    for day in DAYS:
        rows = json.loads(_arrears(home, demos.api, "kpi", "--from", day, "--to", day, "--json").stdout)
        assert {r["currency"] for r in rows} == {"CNY", "GBP", "USD"}, rows  # one row per currency
        assert sum(r["contacted"] for r in rows) > 0 and sum(float(r["collected"]) for r in rows) > 0, (day, rows)
    assert re.search(r"target progress on 2026-12-04", result.stdout)
    assert re.search(r"robot-remind\s+[\d.]+\s+[\d.]+", result.stdout), "no targets status row printed"


def test_simulating_a_step_again_adds_nothing(demos: Demos, tmp_path: Path) -> None:
    from engine.simulate.record import simulate_between

    home, _ = demos["a"]
    engine = get_engine(f"sqlite:///{home / 'arrears.sqlite'}")
    again = simulate_between(engine, 11, date.fromisoformat(DAYS[0]), date.fromisoformat(DAYS[1]), tmp_path)
    assert again.contacts > 0 and again.history.unchanged > 0
    assert (again.history.new, again.history.updated, again.promises.new, again.payments.new) == (0, 0, 0, 0)


def test_the_report_exists_and_opens_offline(demos: Demos) -> None:
    home, result = demos["a"]
    path = Path(re.search(r"KPI report .*: (\S+\.html)", result.stdout).group(1))
    assert path.is_file() and path.parent == home / "reports"
    html = path.read_text(encoding="utf-8")
    assert "Target burn-down" in html or "burn-down" in html
    assert not re.search(r"<script[^>]+src=[\"']?https?:", html), "the report loads a script from the network"


def test_same_seed_same_kpis_other_seed_other_kpis(demos: Demos) -> None:
    api = demos.api
    kpis = {name: _kpi(demos[name][0], api, DAYS[0], DAYS[-1]) for name in ("a", "again", "other")}
    assert kpis["a"] == kpis["again"]
    assert kpis["a"] != kpis["other"]
    printed = {name: demos[name][1].stdout.split("5. KPIs", 1)[1].split("6. target", 1)[0] for name in ("a", "again")}
    assert printed["a"] == printed["again"], "the printed KPI table differs between two runs of one seed"


def _artifacts(run_id: str) -> dict[str, Any]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    async def read() -> dict[str, Any]:
        async with get_client() as client:
            flt = ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id]))
            return {a.key: a.data for a in await client.read_artifacts(artifact_filter=flt)}

    return asyncio.run(read())


def test_each_daily_run_publishes_its_target_progress(demos: Demos) -> None:
    home, result = demos["a"]
    run_ids = re.findall(r"^\s+(\d{4}-\d\d-\d\d): run ([0-9a-f-]{36})", result.stdout, re.M)
    assert [d for d, _ in run_ids] == DAYS
    assert all("daily-targets" in _artifacts(run_id) for _, run_id in run_ids)
    # a rerun of the last date publishes the progress as the record now stands (the day's
    # payments came after its first run): the same rows as `arrears targets status`
    day = DAYS[-1]
    rerun = _arrears(home, demos.api, "run", "daily", "--as-of", day, "--json")
    assert rerun.returncode == 0, rerun.stderr
    table = _artifacts(json.loads(rerun.stdout)["flow_run_id"])["daily-targets"]
    rows = json.loads(table) if isinstance(table, str) else table
    expected = json.loads(_arrears(home, demos.api, "targets", "status", "--date", day, "--json").stdout)
    assert [r["queue"] for r in rows] == [e["queue"] for e in expected]
    assert {r["currency"] for r in rows} == {"CNY", "USD", "GBP"}
    for r, e in zip(rows, expected, strict=True):
        assert (r["month_target"], r["target_to_date"]) == (e["month_target"], e["target_to_date"])
        if r["accounts"] >= 5:  # the same numbers as `arrears targets status`
            assert {k: r[k] for k in e} == e
        else:  # a handful of accounts: their payments are not shown
            assert r["collected_to_date"] is r["daily_target"] is r["progress"] is None
    assert any(r["accounts"] >= 5 and r["collected_to_date"] != "0.00" for r in rows)
