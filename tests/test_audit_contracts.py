"""The auditors' view through the real CLI, after one real daily run: the contract shapes of
`run daily --json`, `audit runs|contacts|explain --json`, the Prefect artifacts of the run,
and the HTML report with personal data masked."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import record_fixtures as rf
from record_fixtures import AS_OF, seed

pytestmark = pytest.mark.slow
db_url, prefect_api, cli = rf.db_url, rf.prefect_api, rf.cli
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$")


@pytest.fixture
def day(db_url: str, tmp_path: Path, prefect_api: str, cli) -> dict:
    """A seeded database and one completed daily run; returns the run's JSON summary."""
    seed(db_url, tmp_path / "portfolio", 120)
    result = cli("run", "daily", "--as-of", AS_OF, "--json", api_url=prefect_api)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_run_daily_prints_the_contract_summary(day: dict) -> None:
    assert {"flow_run_id", "state", "decided", "dispatched", "blocked", "playbook_sha256"} <= set(day)
    assert day["state"] == "COMPLETED"
    assert day["decided"] > 0 and day["dispatched"] > 0
    assert re.fullmatch(r"[0-9a-f]{64}", day["playbook_sha256"])


def test_audit_runs_lists_the_run_with_its_parameters(day: dict, cli) -> None:
    result = cli("audit", "runs", "--json")
    assert result.returncode == 0, result.stderr
    runs = json.loads(result.stdout)
    run = next(r for r in runs if r["flow_run_id"] == day["flow_run_id"])
    assert {"flow_run_id", "name", "state", "started", "parameters", "playbook_sha256"} <= set(run)
    assert run["state"] == "COMPLETED"
    assert run["parameters"]["as_of"] == AS_OF
    assert ISO_WITH_OFFSET.match(run["started"]), run["started"]
    assert day["playbook_sha256"] in run["playbook_sha256"]


def test_audit_contacts_and_explain_tell_why_a_person_was_contacted(day: dict, cli) -> None:
    result = cli("audit", "contacts", "--date", AS_OF, "--json")
    assert result.returncode == 0, result.stderr
    contacts = json.loads(result.stdout)
    assert len(contacts) == day["dispatched"]
    first = contacts[0]
    assert {"account_id", "channel", "at", "template", "flow_run_id", "idempotency_key"} <= set(first)
    assert first["flow_run_id"] == day["flow_run_id"]
    assert first["idempotency_key"].startswith(f"{first['account_id']}|{AS_OF}|")
    assert ISO_WITH_OFFSET.match(first["at"]), first["at"]

    one = cli("audit", "contacts", "--account", first["account_id"], "--json")
    assert {c["account_id"] for c in json.loads(one.stdout)} == {first["account_id"]}

    explained = cli("audit", "explain", first["account_id"], "--date", AS_OF, "--json")
    assert explained.returncode == 0, explained.stderr
    decision = json.loads(explained.stdout)
    for key in ("account_id", "at", "playbook", "segment", "stage", "priority", "assignment", "actions", "blocked"):
        assert key in decision
    assert decision["flow_run_id"] == day["flow_run_id"]
    assert decision["playbook"]["sha256"] == day["playbook_sha256"]
    assert decision["fired_rules"] and decision["explanation"]
    assert first["template"] in {a["template"] for a in decision["actions"]}


def test_explain_of_an_unknown_account_is_a_user_error(day: dict, cli) -> None:
    result = cli("audit", "explain", "NO-SUCH-ACCOUNT", "--date", AS_OF, "--json")
    assert result.returncode == 2
    assert "NO-SUCH-ACCOUNT" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_run_leaves_summary_artifacts_in_prefect(day: dict, prefect_api: str) -> None:
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    async def artifacts() -> list:
        async with get_client() as client:
            flt = ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[day["flow_run_id"]]))
            return await client.read_artifacts(artifact_filter=flt)

    found = {a.key: a for a in asyncio.run(artifacts())}
    assert {"daily-summary", "daily-report"} <= set(found)
    report = str(found["daily-report"].data)
    assert day["flow_run_id"] in report
    assert not re.search(r"\+86\d{11}", report), "a full phone number in the artifact"


def test_audit_report_is_html_with_personal_data_masked(day: dict, cli, tmp_path: Path) -> None:
    result = cli("audit", "report", "--date", AS_OF)
    assert result.returncode == 0, result.stderr
    paths = [Path(p) for p in re.findall(r"(/\S+\.html)", result.stdout)]
    assert paths, result.stdout
    html = paths[0].read_text(encoding="utf-8")
    assert "<html" in html.lower() and day["flow_run_id"] in html
    assert not re.search(r"\+86\d{11}", html), "a full phone number in the report"
    assert not re.search(r"user\d+@example\.com", html), "a full e-mail address in the report"
