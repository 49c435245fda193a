"""`arrears serve`: ops see the deployments in Prefect and can trigger them; a triggered
nightly compliance audit runs to completion and files its masked report."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import record_fixtures as rf
from record_fixtures import ROOT, arrears_exe, cli_env, seed

pytestmark = pytest.mark.slow
prefect_api = rf.prefect_api
EXPECTED = {
    "daily-strategy-run/daily",
    "nightly-compliance-audit/nightly",
    "emergency-declare/emergency-declare",
    "emergency-stand-down/emergency-stand-down",
    "emergency-escalation/every-5-minutes",
    "retrain-models/weekly",
}


async def _deployments() -> dict[str, object]:
    from prefect.client.orchestration import get_client

    async with get_client() as client:
        found = {}
        for d in await client.read_deployments():
            flow = await client.read_flow(d.flow_id)
            found[f"{flow.name}/{d.name}"] = d
        return found


async def _trigger_and_wait(deployment_id: object, timeout: float, parameters: dict) -> str:
    from prefect.client.orchestration import get_client

    async with get_client() as client:
        run = await client.create_flow_run_from_deployment(deployment_id, parameters=parameters)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = (await client.read_flow_run(run.id)).state
            if state is not None and state.is_final():
                return state.type.value
            await asyncio.sleep(1)
        return "TIMEOUT"


def test_serve_publishes_deployments_and_runs_a_triggered_audit(tmp_path: Path, prefect_api: str) -> None:
    db_url = f"sqlite:///{tmp_path / 'arrears.sqlite'}"
    seed(db_url, tmp_path / "portfolio", 60)
    env = cli_env(db_url, tmp_path / "home", prefect_api)
    env["PREFECT_RUNNER_POLL_FREQUENCY"] = "2"
    proc = subprocess.Popen(
        [*arrears_exe(), "serve", "--at", "05:00", "--timezone", "Asia/Shanghai"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline, found = time.monotonic() + 90, {}
        while time.monotonic() < deadline and not set(found) >= EXPECTED:
            time.sleep(2)
            assert proc.poll() is None, proc.communicate()[1]
            found = asyncio.run(_deployments())
        assert set(found) >= EXPECTED, sorted(found)
        daily = found["daily-strategy-run/daily"]
        assert daily.parameters["timezone"] == "Asia/Shanghai"  # every parameter passed explicitly
        assert "as_of" in daily.parameters and "dispatcher" in daily.parameters
        state = asyncio.run(_trigger_and_wait(found["nightly-compliance-audit/nightly"].id, 120, {"label": "test"}))
        assert state == "COMPLETED"
        # ops declare and stand down from the UI: the same deployments a person triggers there
        declare = {
            "tier": 2,
            "scope": "collector=c7",
            "reason": "from the UI",
            "by": "ops.alice",
            "plan": "",
            "drill": False,
        }
        assert (
            asyncio.run(_trigger_and_wait(found["emergency-declare/emergency-declare"].id, 120, declare)) == "COMPLETED"
        )
        status = subprocess.run(
            [*arrears_exe(), "emergency", "status", "--json"], env=env, cwd=ROOT, capture_output=True, text=True
        )
        (declared,) = [e for e in json.loads(status.stdout) if e["scope"] == "collector=c7"]
        assert (declared["tier"], declared["declared_by"], declared["state"]) == (2, "ops.alice", "active")
        stand = {"emergency_id": declared["emergency_id"], "by": ["ops.bob"], "reason": "handled", "plan": ""}
        assert asyncio.run(_trigger_and_wait(found["emergency-stand-down/emergency-stand-down"].id, 120, stand)) == (
            "COMPLETED"
        )
        after = subprocess.run(
            [*arrears_exe(), "emergency", "status", "--json"], env=env, cwd=ROOT, capture_output=True, text=True
        )
        assert declared["emergency_id"] not in {e["emergency_id"] for e in json.loads(after.stdout)}
        report = tmp_path / "home" / "reports" / "compliance-test"
        html = next(report.glob("*.html"))
        assert "+8613" not in html.read_text(encoding="utf-8")
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
