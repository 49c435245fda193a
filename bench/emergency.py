"""Declaration during a running daily dispatch: how fast does contact in scope stop?

Seeds N synthetic accounts (default 100,000) in a fresh SQLite database, runs the daily
run's chunk loop (`engine.run.daily.process_chunk`, as the Prefect task does) in a thread,
and declares `--tier/--scope` from the main thread once `--after` of the chunks are done.

Reported: the declaration's wait for its commit (the bound on "dispatch stops within 1 s":
a chunk transaction in progress finishes first), the time from commit to the last contact
in scope written, and the number of in-scope contacts written after the commit (must be 0:
compared by outbox chain sequence, which the declaration records at its commit).

    .venv/bin/python bench/emergency.py [--accounts 100000] [--chunk 1000] [--scope all]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--after", type=float, default=0.3, help="declare after this fraction of chunks")
    parser.add_argument("--tier", type=int, default=1)
    parser.add_argument("--scope", default="all")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="arrears-bench-emergency-"))
    os.environ["ARREARS_HOME"] = str(home)
    url = f"sqlite:///{home / 'arrears.sqlite'}"
    os.environ["ARREARS_DATABASE_URL"] = url
    from datetime import UTC, datetime

    from sqlalchemy import select

    from emergency.guard import hold_for_emergencies
    from emergency.plan import load_plan
    from emergency.repository import SqlEmergencyRepository
    from emergency.scope import parse_scope, subject_for
    from emergency.service import declare
    from engine.decide.stream import dumps  # noqa: F401 - warm imports before timing
    from engine.run.daily import chunk_bounds, process_chunk
    from engine.store.db import get_engine, upgrade
    from engine.store.imports import import_accounts, import_history
    from engine.store.models import AccountRow, AuditLog, OutboxContact
    from engine.store.playbooks import activate, approve, loaded_in_force
    from flows.synthetic import write_portfolio

    t0 = time.perf_counter()
    upgrade(url)
    engine = get_engine(url)
    accounts, history = write_portfolio(home / "portfolio", args.accounts, datetime(2026, 11, 30, 1, tzinfo=UTC))
    import_accounts(engine, accounts)
    import_history(engine, history)
    identity, _ = activate(engine, ROOT / "playbooks" / "cn-credit-card.yaml", "strategist")
    approve(engine, identity["sha256"], "risk-officer")
    playbooks = loaded_in_force(engine, None)
    jurisdictions = {j for p in playbooks for j in p.playbook.applies_to.jurisdictions}
    bounds = chunk_bounds(engine, jurisdictions, args.chunk)
    print(f"seeded {args.accounts} accounts in {time.perf_counter() - t0:.1f}s; {len(bounds)} chunks", flush=True)

    commits: list[tuple[float, int]] = []  # (monotonic time a chunk committed, contacts written)
    done = threading.Event()

    def run() -> None:
        for lo, hi in bounds:
            stats = process_chunk(engine, playbooks, lo, hi, date(2026, 11, 30), "bench-run", hold_for_emergencies)
            commits.append((time.perf_counter(), stats.dispatched))
        done.set()

    worker = threading.Thread(target=run)
    start = time.perf_counter()
    worker.start()
    while len(commits) < max(1, int(len(bounds) * args.after)) and not done.is_set():
        time.sleep(0.005)
    repo = SqlEmergencyRepository(engine)
    asked = time.perf_counter()
    record = declare(repo, load_plan(), tier=args.tier, scope=args.scope, reason="bench", by="bench")
    committed = time.perf_counter()
    worker.join()
    total = time.perf_counter() - start

    scope = parse_scope(record.scope)
    with engine.connect() as conn:
        detail = conn.execute(select(AuditLog.details).where(AuditLog.subject == record.emergency_id)).scalar_one()
        seq_at_commit = json.loads(detail)["outbox_seq_at_commit"]
        facts = {a: f for a, f in conn.execute(select(AccountRow.account_id, AccountRow.facts))}
        rows = conn.execute(select(OutboxContact.chain_seq, OutboxContact.account_id, OutboxContact.action)).all()
    in_scope_after = 0
    last_in_scope_seq = 0
    for seq, account_id, action in rows:
        act = json.loads(action)
        if scope.covers(subject_for(json.loads(facts[account_id]), {}, act)):
            last_in_scope_seq = max(last_in_scope_seq, seq)
            if seq > seq_at_commit:
                in_scope_after += 1
    # when did the chunk holding the last in-scope contact commit, relative to the declaration?
    written, last_commit = 0, None
    for when, n in commits:
        written += n
        if written >= last_in_scope_seq and last_commit is None:
            last_commit = when
    latency = (last_commit - committed) if last_commit is not None else float("nan")
    result = {
        "accounts": args.accounts,
        "chunks": len(bounds),
        "run_seconds": round(total, 2),
        "contacts_written": len(rows),
        "declare_wait_ms": round((committed - asked) * 1000, 1),
        "outbox_seq_at_commit": seq_at_commit,
        "commit_to_last_in_scope_contact_ms": round(latency * 1000, 1),
        "in_scope_contacts_after_commit": in_scope_after,
        "target": "declare_wait_ms <= 1000 and in_scope_contacts_after_commit == 0",
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
