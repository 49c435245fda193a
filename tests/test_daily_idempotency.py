"""The daily run as a Prefect flow, through the CLI: exactly one contact per key whatever happens.

An undisturbed run sets the expected contact set; a rerun, a `kill -9` mid-run followed by
a rerun, and two concurrent runs must each end with exactly that set and no duplicates.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
import record_fixtures as rf
from record_fixtures import AS_OF, ROOT, arrears_exe, cli_env, outbox_keys, seed
from sqlalchemy import select, update

from engine.store.db import get_engine
from engine.store.models import FlowRunRow

pytestmark = pytest.mark.slow
db_url, prefect_api = rf.db_url, rf.prefect_api
N = 300


def _run(db_url: str, home: Path, api: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*arrears_exe(), "run", "daily", "--as-of", AS_OF, "--json", *extra],
        env=cli_env(db_url, home, api),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def _finish(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return json.loads(out)


def _assert_exactly(db_url: str, expected: set[str]) -> None:
    keys = outbox_keys(db_url)
    assert len(keys) == len(set(keys)), "duplicate contacts"
    assert set(keys) == expected


@pytest.fixture
def expected(db_url: str, tmp_path: Path, prefect_api: str) -> set[str]:
    """The contact set of an undisturbed run on its own database of the same kind."""
    if db_url.startswith("sqlite"):
        base = f"sqlite:///{tmp_path / 'baseline.sqlite'}"
    else:
        from sqlalchemy.engine import make_url

        base = make_url(db_url).set(database=make_url(db_url).database + "_b").render_as_string(hide_password=False)
        import psycopg

        admin, _ = rf._pg_admin(db_url)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{make_url(base).database}"')
    seed(base, tmp_path / "baseline", N)
    result = _finish(_run(base, tmp_path / "home-b", prefect_api))
    keys = set(outbox_keys(base))
    assert result["dispatched"] == len(keys) > 0
    get_engine(base).dispose()
    return keys


def test_run_then_rerun(db_url: str, tmp_path: Path, prefect_api: str, expected: set[str]) -> None:
    seed(db_url, tmp_path / "pf", N)
    first = _finish(_run(db_url, tmp_path / "home", prefect_api))
    assert set(first) >= {"flow_run_id", "state", "decided", "dispatched", "blocked", "playbook_sha256"}
    assert first["state"] == "COMPLETED" and first["dispatched"] == len(expected)
    again = _finish(_run(db_url, tmp_path / "home", prefect_api))
    assert again["dispatched"] == 0 and again["decided"] == first["decided"]
    assert again["flow_run_id"] != first["flow_run_id"]
    _assert_exactly(db_url, expected)

    env = cli_env(db_url, tmp_path / "home", prefect_api)

    def audit(*args: str) -> object:
        done = subprocess.run([*arrears_exe(), "audit", *args, "--json"], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    runs = audit("runs")
    assert [r["flow_run_id"] for r in runs] == [first["flow_run_id"], again["flow_run_id"]]
    assert set(runs[0]) >= {"flow_run_id", "name", "state", "started", "parameters", "playbook_sha256"}
    assert runs[0]["parameters"]["as_of"] == AS_OF and runs[0]["playbook_sha256"] == first["playbook_sha256"]
    contacts = audit("contacts", "--date", AS_OF)
    assert {c["idempotency_key"] for c in contacts} == expected
    assert all(c["flow_run_id"] == first["flow_run_id"] for c in contacts)
    assert set(contacts[0]) >= {"account_id", "channel", "at", "template", "flow_run_id", "idempotency_key"}
    account = contacts[0]["account_id"]
    explained = audit("explain", account, "--date", AS_OF)
    assert explained["account_id"] == account and explained["flow_run_id"] == again["flow_run_id"]
    assert explained["playbook"]["sha256"] == first["playbook_sha256"] and explained["fired_rules"]
    assert audit("verify")["intact"] is True


def test_kill_9_mid_run_then_rerun(db_url: str, tmp_path: Path, prefect_api: str, expected: set[str]) -> None:
    seed(db_url, tmp_path / "pf", N)
    proc = _run(db_url, tmp_path / "home", prefect_api, "--chunk-size", "10")
    deadline = time.monotonic() + 120
    while not outbox_keys(db_url):
        assert proc.poll() is None, "run ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = set(outbox_keys(db_url))
    assert 0 < len(partial) < len(expected), "the kill did not land mid-run"
    _age_heartbeats(db_url)  # as if the killed run had stayed silent past the lease
    proc = _run(db_url, tmp_path / "home", prefect_api)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    rerun = json.loads(out)
    assert rerun["dispatched"] == len(expected) - len(partial)
    _assert_exactly(db_url, expected)
    assert "stopped without finishing" in err and "marked CRASHED" in err
    with get_engine(db_url).connect() as conn:
        states = conn.execute(select(FlowRunRow.state).order_by(FlowRunRow.started)).scalars().all()
    assert states == ["CRASHED", "COMPLETED"]
    verify = subprocess.run(
        [*arrears_exe(), "audit", "verify"], env=cli_env(db_url, tmp_path / "home"), capture_output=True, text=True
    )
    assert verify.returncode == 0, verify.stderr


def _age_heartbeats(db_url: str) -> None:
    from datetime import UTC, datetime, timedelta

    from engine.store.runs import STALE_AFTER

    old = (datetime.now(UTC) - timedelta(seconds=STALE_AFTER + 60)).isoformat()
    with get_engine(db_url).begin() as conn:
        conn.execute(update(FlowRunRow).where(FlowRunRow.state == "RUNNING").values(heartbeat_at=old, started=old))


def test_two_concurrent_runs(db_url: str, tmp_path: Path, prefect_api: str, expected: set[str]) -> None:
    seed(db_url, tmp_path / "pf", N)
    a = _run(db_url, tmp_path / "home", prefect_api, "--chunk-size", "25")
    b = _run(db_url, tmp_path / "home", prefect_api, "--chunk-size", "25")
    ra, rb = _finish(a), _finish(b)
    assert ra["dispatched"] + rb["dispatched"] == len(expected)
    _assert_exactly(db_url, expected)
