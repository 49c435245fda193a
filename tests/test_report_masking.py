"""No report, artifact or masked `--json` output shows what an account holds about a person.

A small portfolio with distinctive, known names, phone numbers, e-mail addresses, ID numbers,
addresses and balances goes through the real pipeline (import, the daily run as a Prefect
flow, an emergency on one of the accounts, the compliance replay of a contact log), then every
reader-facing output is rendered and searched for each known value. The values are chosen so
that nothing else in a report could contain them by chance.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest
import record_fixtures as rf
from record_fixtures import AS_OF, ROOT

from engine.report.masking import Personal

pytestmark = pytest.mark.slow
db_url, prefect_api, cli = rf.db_url, rf.prefect_api, rf.cli

US = {
    "account_id": "US-MASK-0001", "debtor_id": "DUS-MASK-0001", "jurisdiction": "US", "product": "personal_loan",
    "currency": "USD", "balance": "4321.09", "dpd": 3, "risk_score": 600, "timezone": "America/Chicago",
    "phones": [{"number": "+12025550199", "owner": "debtor"}],
    "emails": [{"address": "quentin.farquharson@mailbox.example"}],
    "attributes": {"name": "Quentin Farquharson", "ssn": "078-05-1120", "address": "742 Evergreen Terrace"},
}  # fmt: skip
UK = {
    "account_id": "UK-MASK-0002", "debtor_id": "DUK-MASK-0002", "jurisdiction": "UK", "product": "personal_loan",
    "currency": "GBP", "balance": "7654.32", "dpd": 12, "risk_score": 600, "timezone": "Europe/London",
    "phones": [{"number": "+447700900777", "owner": "debtor"}],
    "emails": [{"address": "imogen.thistlewood@postbox.example"}],
    "attributes": {"name": "Imogen Thistlewood", "nino": "QQ123456C", "postcode": "ZZ99 9ZZ"},
}  # fmt: skip
CN = {
    "account_id": "CN-MASK-0003", "debtor_id": "DCN-MASK-0003", "jurisdiction": "CN", "product": "credit_card",
    "currency": "CNY", "balance": "9876.54", "dpd": 20, "risk_score": 600, "timezone": "Asia/Shanghai",
    "phones": [{"number": "+8613912345678", "owner": "debtor"}],
    "emails": [{"address": "ouyang.xiuying@inbox.example"}],
    "attributes": {"name": "欧阳秀英", "national_id": "110105194912310027", "address": "朝阳区幸福路88号"},
}  # fmt: skip
ACCOUNTS = [US, UK, CN]
SECRETS = [
    "Quentin", "Farquharson", "+12025550199", "2025550199", "202-555-0199", "(202) 555-0199", "202 555 0199",
    "quentin.farquharson@", "078-05-1120", "742 Evergreen", "4,321.09", "4321.09",
    "Imogen", "Thistlewood", "+447700900777", "07700 900777", "7700900777", "imogen.thistlewood@", "QQ123456C",
    "ZZ99 9ZZ",
    "欧阳秀英", "秀英", "+8613912345678", "13912345678", "139 1234 5678", "ouyang.xiuying@", "110105194912310027",
    "幸福路",
]  # fmt: skip


def assert_masked(text: str, where: str) -> None:
    """Fail naming every known personal value found in `text`."""
    lowered = text.lower()
    leaked = [s for s in SECRETS if s.lower() in lowered]
    assert not leaked, f"personal data in {where}: {leaked}"


def _seed(db_url: str, directory: Path) -> tuple[Path, Path]:
    """Schema, the known accounts (no history) and the three shipped strategy playbooks approved."""
    from engine.store.db import get_engine, upgrade
    from engine.store.imports import import_accounts
    from engine.store.playbooks import activate, approve

    directory.mkdir(parents=True, exist_ok=True)
    accounts = directory / "accounts.jsonl"
    accounts.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ACCOUNTS), encoding="utf-8")
    upgrade(db_url)
    engine = get_engine(db_url)
    import_accounts(engine, accounts)
    for name in ("us-consumer-loans", "uk-consumer-credit", "cn-credit-card"):
        identity, _ = activate(engine, ROOT / "playbooks" / f"{name}.yaml", "strategist")
        approve(engine, identity["sha256"], "risk-officer")
    return accounts, directory / "history.jsonl"


def _artifacts(flow_run_id: str) -> dict[str, Any]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    async def read() -> list:
        async with get_client() as client:
            flt = ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
            return await client.read_artifacts(artifact_filter=flt)

    return {a.key: a.data for a in asyncio.run(read())}


def _contact_log(path: Path) -> None:
    """Past contacts that break rules, with the debtors' names and numbers in their texts."""
    entries = [
        {"account_id": US["account_id"], "at": "2026-11-20T21:30:00-06:00", "channel": "call",
         "outcome": "conversation", "recorded": True, "to": "+12025550199", "by": "c-7",
         "text": "Quentin Farquharson, call back on (202) 555-0199 or quentin.farquharson@mailbox.example"},
        {"account_id": CN["account_id"], "at": "2026-11-20T23:30:00+08:00", "channel": "call", "outcome": "connected",
         "recorded": True, "to": "+8613912345678", "by": "c-8", "text": "欧阳秀英您好，请回电 139 1234 5678"},
        {"account_id": UK["account_id"], "at": "2026-11-20T22:30:00+00:00", "channel": "call", "outcome": "connected",
         "recorded": True, "to": "07700 900777", "by": "c-9", "text": "Imogen Thistlewood, ZZ99 9ZZ"},
    ]  # fmt: skip
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")


def test_every_report_and_artifact_masks_what_the_accounts_hold(db_url, tmp_path, prefect_api, cli, monkeypatch):
    accounts, history = _seed(db_url, tmp_path / "portfolio")
    run = cli("run", "daily", "--as-of", AS_OF, "--json", api_url=prefect_api)
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["decided"] == len(ACCOUNTS)
    assert_masked(run.stdout + run.stderr, "run daily output")

    for key, data in _artifacts(summary["flow_run_id"]).items():
        assert_masked(json.dumps(data, ensure_ascii=False), f"artifact {key}")

    monkeypatch.setenv("ARREARS_EMERGENCY_RESPONSE", "inline")
    reason = "Quentin Farquharson threatened staff; call (202) 555-0199, SSN 078-05-1120"
    declared = cli("emergency", "declare", "--tier", "3", "--scope", f"account={US['account_id']}",
                   "--reason", reason, "--by", "ops.alice", "--json")  # fmt: skip
    assert declared.returncode == 0, declared.stderr

    report = cli("audit", "report", "--date", AS_OF)
    assert report.returncode == 0, report.stderr
    html = Path(re.findall(r"(/\S+\.html)", report.stdout)[0]).read_text(encoding="utf-8")
    assert US["account_id"] in html, "the blocked US reminder is an example in the report"
    assert "Q*** F***" in html, "the example is there, its greeting masked"
    assert json.loads(declared.stdout)["emergency_id"] in html
    assert_masked(html, "audit report HTML")
    as_json = cli("audit", "report", "--date", AS_OF, "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert_masked(as_json.stdout, "audit report --json")

    _contact_log(history)
    out = tmp_path / "compliance"
    audit = cli("audit", "compliance", "--history", str(history), "--accounts", str(accounts), "--out", str(out))
    assert audit.returncode == 1, audit.stderr  # violations found
    for name in ("compliance-audit.md", "compliance-audit.html"):
        text = (out / name).read_text(encoding="utf-8")
        assert "US.REGF.INCONVENIENT_TIME" in text
        assert_masked(text, name)
    assert_masked(audit.stdout, "audit compliance output")


@pytest.mark.parametrize("account", ACCOUNTS, ids=lambda a: a["jurisdiction"])
def test_an_accounts_own_data_is_masked_in_any_format(account: dict[str, Any]) -> None:
    """A rendered text writes a stored `+1…` number nationally, a name in parts; all masked."""
    personal = Personal.of(account)
    name = account["attributes"]["name"]
    text = (
        f"Dear {name} ({name.split()[-1]}), we tried {account['phones'][0]['number']}, "
        "(202) 555-0199, 07700 900777, 139 1234 5678, 13912345678; "
        f"{account['emails'][0]['address']}; due {account['balance']} "
        + " ".join(str(v) for k, v in account["attributes"].items() if k != "name")
    )
    masked = personal.mask(text, amounts=True) or ""
    assert_masked(masked, "masked text")
    assert masked.startswith("Dear ") and "we tried" in masked
