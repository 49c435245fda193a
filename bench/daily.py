"""Benchmark of the daily run end to end: generate, import, activate/approve, one Prefect run.

    .venv/bin/python bench/daily.py --accounts 100000                       # SQLite in a temp home
    .venv/bin/python bench/daily.py --accounts 1000000 --url postgresql+psycopg://…/db

Prints one JSON line with the phase timings, throughput, this process's peak RSS and the
largest worker process's (`ARREARS_DAILY_WORKERS`, default one per CPU, evaluates chunks in
parallel; the run's peak is about this process's plus that many workers'). The database
must be empty (a fresh SQLite file is made when --url is not given).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--url", default=None, help="database URL (default: a new SQLite file)")
    parser.add_argument("--as-of", default="2026-11-30")
    parser.add_argument("--chunk-size", type=int, default=1000)
    parser.add_argument("--no-rerun", action="store_true", help="skip the rerun of the same date (long runs)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="arrears-bench-"))
    os.environ["ARREARS_HOME"] = str(tmp)
    os.environ["ARREARS_DATABASE_URL"] = args.url or f"sqlite:///{tmp / 'arrears.sqlite'}"
    os.environ.setdefault("PREFECT_HOME", str(tmp / "prefect"))

    from engine.store.db import ready_engine, upgrade
    from engine.store.imports import import_accounts, import_history
    from engine.store.playbooks import activate, approve
    from flows.commands.demo import _strategy_playbooks
    from flows.commands.run import run_daily_flow
    from flows.synthetic import write_portfolio

    t: dict[str, float] = {}
    start = time.perf_counter()
    a_path, h_path = write_portfolio(tmp / "pf", args.accounts, datetime(2026, 11, 30, tzinfo=UTC))
    t["generate_s"] = time.perf_counter() - start
    upgrade()
    engine = ready_engine()
    start = time.perf_counter()
    import_accounts(engine, a_path)
    import_history(engine, h_path)
    t["import_s"] = time.perf_counter() - start
    for path in _strategy_playbooks(ROOT / "playbooks"):
        ident, _ = activate(engine, path, "bench-maker")
        approve(engine, ident["sha256"], "bench-checker")
    start = time.perf_counter()
    result = run_daily_flow(args.as_of, None, args.chunk_size, "outbox", "UTC", progress=False)
    t["daily_run_s"] = time.perf_counter() - start
    rerun = None
    if not args.no_rerun:
        start = time.perf_counter()
        rerun = run_daily_flow(args.as_of, None, args.chunk_size, "outbox", "UTC", progress=False)
        t["rerun_s"] = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    worker_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # workers have ended by now
    from engine.run.workers import worker_count

    print(
        json.dumps(
            {
                "accounts": args.accounts,
                "database": engine.dialect.name,
                **{k: round(v, 1) for k, v in t.items()},
                "accounts_per_s": round(result["decided"] / t["daily_run_s"]),
                "state": result["state"],
                "decided": result["decided"],
                "dispatched": result["dispatched"],
                "blocked": result["blocked"],
                "rerun_dispatched": rerun["dispatched"] if rerun else None,
                "peak_rss_mb": round(peak_kb / 1024),
                "workers": worker_count(result["decided"] // args.chunk_size + 1),
                "worker_peak_rss_mb": round(worker_kb / 1024),
            }
        )
    )


if __name__ == "__main__":
    main()
