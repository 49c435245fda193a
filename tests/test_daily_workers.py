"""The daily run on worker processes writes exactly what the in-process run writes.

`ARREARS_DAILY_WORKERS` only changes where chunks are evaluated: decisions (text, digest,
fired rules), outbox rows and assignments must be the same, byte for byte, and the hash
chain intact.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import record_fixtures as rf
from record_fixtures import AS_OF, ROOT, arrears_exe, cli_env, seed
from sqlalchemy import text

from engine.run.workers import worker_count
from engine.store.db import get_engine

pytestmark = pytest.mark.slow
prefect_api = rf.prefect_api


def _written(url: str) -> tuple[list[tuple], list[tuple], list[tuple]]:
    with get_engine(url).connect() as conn:
        decisions = conn.execute(
            text(
                "SELECT account_id, playbook_sha256, stage, fired_rules, facts_digest, decision, decision_sha256 "
                "FROM decisions ORDER BY account_id"
            )
        ).all()
        outbox = conn.execute(
            text("SELECT idempotency_key, channel, at, template, action FROM outbox_contacts ORDER BY idempotency_key")
        ).all()
        assignments = conn.execute(
            text("SELECT account_id, business_date, kind, queue FROM assignments ORDER BY account_id")
        ).all()
    get_engine(url).dispose()
    return [tuple(r) for r in decisions], [tuple(r) for r in outbox], [tuple(r) for r in assignments]


def _run_with(workers: str, tmp_path: Path, api: str) -> tuple[list[tuple], list[tuple], list[tuple]]:
    url = f"sqlite:///{tmp_path / f'w{workers}.sqlite'}"
    seed(url, tmp_path / f"pf{workers}", 300)
    env = {**cli_env(url, tmp_path / f"home{workers}", api), "ARREARS_DAILY_WORKERS": workers}
    done = subprocess.run(
        [*arrears_exe(), "run", "daily", "--as-of", AS_OF, "--json", "--chunk-size", "40"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["state"] == "COMPLETED"
    verify = subprocess.run([*arrears_exe(), "audit", "verify"], env=env, capture_output=True, text=True)
    assert verify.returncode == 0, verify.stderr
    return _written(url)


def test_workers_write_what_one_process_writes(tmp_path: Path, prefect_api: str) -> None:
    alone = _run_with("1", tmp_path, prefect_api)
    parallel = _run_with("2", tmp_path, prefect_api)
    assert alone[0] and alone[1]
    assert parallel == alone


def test_worker_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARREARS_DAILY_WORKERS", "3")
    assert worker_count(10) == 3
    assert worker_count(2) == 2
    assert worker_count(1) == 0  # one chunk: nothing to share
    monkeypatch.setenv("ARREARS_DAILY_WORKERS", "1")
    assert worker_count(10) == 0
