"""Benchmark of the daily run's KPI step (`engine.kpi.daily.compute_and_store_kpis`).

    .venv/bin/python bench/kpi.py 100000                                   # SQLite in a temp dir
    .venv/bin/python bench/kpi.py 1000000 --url postgresql+psycopg://…/db  # an empty database

Writes N accounts with one decision each for one business date, plus one payment, one
promise, one outbox row and one history line for every fifth account (bulk inserts, not
timed), then times the KPI step for that date: the snapshot, and the KPI rows for all seven
dimensions; then a rerun of the date (the snapshot is there already). Accounts are in three
currencies (CN: CNY, US: USD, UK: GBP), so the rows are per group and currency. Prints one
JSON line. The issue's target: ≤ 30 s for 1M accounts on PostgreSQL (first run).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAY = "2026-11-30"
BATCH = 10_000
JURISDICTIONS = ("CN", "US", "UK")
CURRENCY = {"CN": "CNY", "US": "USD", "UK": "GBP"}


def _rows(n: int, shas: dict[str, str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table, row) for every account; every fifth also pays, promises, is contacted, talks.
    Decisions name the stored shipped playbook of their jurisdiction (`shas`), so the KPIs
    read each one's promise grace days (CN 1, US 2, UK 3) as in production."""
    yield "flow_runs", {"flow_run_id": "bench", "name": DAY, "flow_name": "daily-strategy-run", "business_date": DAY,
                        "state": "COMPLETED", "started": DAY, "parameters": "{}", "playbooks": "[]"}
    for i in range(n):
        acc = f"B{i:08d}"
        jurisdiction = JURISDICTIONS[i % 3]
        facts = {"account_id": acc, "jurisdiction": jurisdiction, "currency": CURRENCY[jurisdiction]}
        yield "accounts", {"account_id": acc, "debtor_id": "D" + acc, "jurisdiction": jurisdiction,
                           "product": "credit_card", "balance": f"{1000 + i % 5000}.{i % 100:02d}", "dpd": i % 200,
                           "facts": json.dumps(facts), "facts_sha256": "0" * 64,
                           "updated_at": DAY + "T00:00:00+00:00"}
        doc = {"playbook": {"name": "bench", "version": "1"}, "stage": f"s{i % 4}",
               "assignment": {"kind": "robot", "queue": f"q{i % 10}"}}
        yield "decisions", {"flow_run_id": "bench", "business_date": DAY, "account_id": acc,
                            "playbook_sha256": shas[jurisdiction], "stage": doc["stage"], "fired_rules": "[]",
                            "facts_digest": "0" * 64,
                            "decision": json.dumps(doc), "decision_sha256": "0" * 64, "decided_at": DAY,
                            "chain_seq": i + 1, "prev_hash": "0" * 64, "row_hash": "0" * 64}
        if i % 5:
            continue
        at = DAY + "T10:00:00+00:00"
        yield "payments", {"account_id": acc, "paid_at": at, "amount": "100.00",
                           "currency": CURRENCY[jurisdiction]}
        yield "promises", {"account_id": acc, "made_at": "2026-11-29T10:00:00+00:00", "due_date": DAY,
                           "amount": "150.00"}
        yield "outbox_contacts", {"idempotency_key": acc + "|" + DAY, "account_id": acc, "business_date": DAY,
                                  "treatment": "t", "channel": "sms", "at": at, "template": None, "action": "{}",
                                  "playbook_sha256": "f" * 64, "flow_run_id": "bench", "created_at": at,
                                  "chain_seq": n + i + 1, "prev_hash": "0" * 64, "row_hash": "0" * 64}
        yield "contact_history", {"account_id": acc, "at": at, "channel": "call", "imported_at": at,
                                  "body": json.dumps({"outcome": "conversation", "party": "debtor"})}


def populate(engine: Any, n: int, shas: dict[str, str]) -> None:
    from sqlalchemy import insert

    from engine.store.models import Base

    tables = Base.metadata.tables
    pending: dict[str, list[dict[str, Any]]] = {}
    with engine.begin() as conn:
        for name, row in _rows(n, shas):
            pending.setdefault(name, []).append(row)
            if len(pending[name]) >= BATCH:
                conn.execute(insert(tables[name]), pending.pop(name))
        for name, rows in pending.items():
            conn.execute(insert(tables[name]), rows)


def stored_playbooks(engine: Any) -> dict[str, str]:
    """jurisdiction → sha256 of the shipped playbook stored for it (activated as a maker does)."""
    from engine.store.playbooks import activate

    files = {"CN": "cn-credit-card.yaml", "US": "us-consumer-loans.yaml", "UK": "uk-consumer-credit.yaml"}
    return {j: activate(engine, ROOT / "playbooks" / f, "bench")[0]["sha256"] for j, f in files.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("accounts", type=int, nargs="?", default=100_000)
    parser.add_argument("--url", default=None, help="an empty database (default: a new SQLite file)")
    args = parser.parse_args()

    from engine.kpi.daily import compute_and_store_kpis
    from engine.store.db import get_engine, upgrade

    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='arrears-kpi-')) / 'kpi.sqlite'}"
    upgrade(url)
    engine = get_engine(url)
    t0 = time.perf_counter()
    populate(engine, args.accounts, stored_playbooks(engine))
    t1 = time.perf_counter()
    rows = compute_and_store_kpis(engine, DAY)
    t2 = time.perf_counter()
    rerun = compute_and_store_kpis(engine, DAY)
    t3 = time.perf_counter()
    assert rerun == rows, "a rerun of the date changed its KPI rows"
    total = [r for r in rows if r["dimension"] == "all"]
    print(json.dumps({"accounts": args.accounts, "dialect": engine.dialect.name, "populate_s": round(t1 - t0, 1),
                      "kpi_step_s": round(t2 - t1, 2), "rerun_s": round(t3 - t2, 2), "kpi_rows": len(rows),
                      "all": total}))


if __name__ == "__main__":
    main()
