"""The nightly compliance audit (D26) as a Prefect flow over the system of record.

Every night the contact log — imported history plus everything the platform dispatched —
is replayed through the same compliance rules as the pre-contact gate, so a violation that
slipped through (a contact made outside Arrears, a rule added since) is found the next
morning. The report (markdown + HTML, personal data masked) goes to
`$ARREARS_HOME/reports/`; the Prefect artifact holds counts only. `arrears serve` schedules
it next to the daily run.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from sqlalchemy import select

from engine.compliance.audit import audit
from engine.compliance.report import write_reports
from engine.contracts.facts import outbox_history
from engine.settings import arrears_home
from engine.store.db import ready_engine
from engine.store.models import AccountRow, ContactHistoryRow, OutboxContact


def export_contact_log(engine: Any, directory: Path) -> tuple[Path, Path]:
    """Accounts and the whole contact log as contract JSONL files, streamed from the database."""
    accounts, history = directory / "accounts.jsonl", directory / "history.jsonl"
    a, h, o = AccountRow.__table__, ContactHistoryRow.__table__, OutboxContact.__table__
    with (
        engine.connect() as conn,
        accounts.open("w", encoding="utf-8") as fa,
        history.open("w", encoding="utf-8") as fh,
    ):
        for (facts,) in conn.execution_options(yield_per=5000).execute(select(a.c.facts)):
            fa.write(facts + "\n")
        for (body,) in conn.execution_options(yield_per=5000).execute(select(h.c.body)):
            fh.write(body + "\n")
        for account_id, action in conn.execution_options(yield_per=5000).execute(select(o.c.account_id, o.c.action)):
            fh.write(json.dumps(outbox_history(account_id, action), ensure_ascii=False) + "\n")
    return accounts, history


def summary_markdown(result: Any, paths: tuple[Path, Path]) -> str:
    lines = [
        "# Nightly compliance audit",
        "",
        f"{result.contacts_checked} contacts on {result.accounts} accounts checked; "
        f"**{len(result.findings)} violations**.",
        "",
        "| rule | citation | violations |",
        "|---|---|---:|",
    ]
    lines += [f"| {rule} | {citation} | {n} |" for rule, citation, n in result.by_rule()]
    lines += ["", f"Full report (masked): `{paths[1]}`"]
    return "\n".join(lines) + "\n"


@flow(name="nightly-compliance-audit", persist_result=False, log_prints=False)
def compliance_audit(label: str | None = None) -> dict[str, Any]:
    """Replay the whole contact log through the compliance packs and file the risk report."""
    engine = ready_engine()
    with tempfile.TemporaryDirectory(prefix="arrears-audit-") as tmp:
        accounts, history = export_contact_log(engine, Path(tmp))
        result = audit(history, accounts)
    stamp = label or "latest"
    out_dir = arrears_home() / "reports" / f"compliance-{stamp}"
    paths = write_reports(result, out_dir)
    create_markdown_artifact(key="compliance-audit", markdown=summary_markdown(result, paths))
    return {
        "contacts_checked": result.contacts_checked,
        "accounts": result.accounts,
        "violations": len(result.findings),
        "by_rule": {rule: n for rule, _, n in result.by_rule()},
        "report_markdown": str(paths[0]),
        "report_html": str(paths[1]),
    }
