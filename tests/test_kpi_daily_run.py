"""The daily run stores the day's KPI rows (through the real CLI and Prefect flow)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import record_fixtures as rf
from record_fixtures import AS_OF, ROOT, arrears_exe, cli_env, seed
from sqlalchemy import func, select

from engine.store.db import get_engine
from engine.store.models import DecisionRow, KpiDaily

pytestmark = pytest.mark.slow
db_url, prefect_api = rf.db_url, rf.prefect_api


def _arrears(db_url: str, home: Path, api: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*arrears_exe(), *args], env=cli_env(db_url, home, api), capture_output=True, text=True, cwd=ROOT,
        timeout=300,
    )


def test_daily_run_stores_kpis_that_the_cli_prints(db_url: str, tmp_path: Path, prefect_api: str) -> None:
    seed(db_url, tmp_path, n=60)
    run = _arrears(db_url, tmp_path / "home", prefect_api, "run", "daily", "--as-of", AS_OF, "--json")
    assert run.returncode == 0, run.stderr
    d, k = DecisionRow.__table__, KpiDaily.__table__
    with get_engine(db_url).connect() as conn:
        in_scope = conn.execute(
            select(func.count(func.distinct(d.c.account_id))).where(d.c.stage.is_not(None))
        ).scalar_one()
        stored = conn.execute(select(k).where(k.c.business_date == AS_OF, k.c.dimension == "all")).mappings().all()
    assert in_scope > 0
    assert len(stored) == 1 and stored[0]["accounts"] == in_scope
    printed = _arrears(db_url, tmp_path / "home", prefect_api, "kpi", "--from", AS_OF, "--to", AS_OF, "--json")
    assert printed.returncode == 0, printed.stderr
    (row,) = json.loads(printed.stdout)
    assert row["group"] == "all" and row["accounts"] == in_scope
    assert row["contacted"] == stored[0]["contacted"] > 0
    assert row["opening_balance"] == stored[0]["opening_balance"]
