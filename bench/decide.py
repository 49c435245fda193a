"""Benchmark: `decide` through durable_rules against the plain-Python reference, same run.

    python bench/decide.py [--sizes 100000 1000000] [--playbook playbooks/cn-credit-card.yaml]

For each size it writes a synthetic portfolio (CN accounts only, so every account is in
scope and really evaluated), then runs the full `decide` pipeline (read + validate JSONL,
history lookup, evaluation, rendering, JSON out) in a fresh subprocess per engine, and reports
accounts/s, the durable/python ratio and each run's peak RSS. It also times the matching step
alone (the part durable_rules does), since that is what the engine choice changes.
Figures go to stdout; copy them into docs/performance.md with the date and machine.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AT = "2026-11-28T10:00:00+08:00"

CHILD = r"""
import json, resource, sys, time, os
from datetime import datetime
sys.path.insert(0, {root!r})
from engine.playbook.loader import load_playbook
from engine.decide.evaluator import Evaluator
from engine.decide.stream import decide_file
from engine.contracts.history_index import HistoryIndex
from engine.compliance.adapter import default_gate
loaded = load_playbook({playbook!r})
ev = Evaluator(loaded, matcher={engine!r}, gate=default_gate(loaded) if {gate!r} else None)
at = datetime.fromisoformat({at!r})
t0 = time.perf_counter()
with HistoryIndex({history!r}) as idx, open(os.devnull, "w") as out:
    n = decide_file(ev, {accounts!r}, idx, at, out)
total = time.perf_counter() - t0
print(json.dumps({{"n": n, "seconds": total,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

MATCH_ONLY = r"""
import json, sys, time, resource
from datetime import datetime
sys.path.insert(0, {root!r})
from engine.playbook.loader import load_playbook
from engine.match.features import operand_values
from engine.contracts.jsonl import read_models
from engine.contracts.facts import Account
loaded = load_playbook({playbook!r})
at = datetime.fromisoformat({at!r})
rows = []
for i, (_, a) in enumerate(read_models({accounts!r}, Account)):
    rows.append(operand_values(loaded.program.operands, a, (), at))
    if i + 1 >= {limit}:
        break
if {engine!r} == "durable":
    from engine.match.durable_adapter import DurableMatcher as M
else:
    from engine.match.python_matcher import PythonMatcher as M
m = M(loaded.program)
t0 = time.perf_counter()
for start in range(0, len(rows), 1000):
    m.match(rows[start:start + 1000])
dt = time.perf_counter() - t0
print(json.dumps({{"n": len(rows), "seconds": dt}}))
"""


def write_cn_portfolio(directory: Path, n: int) -> tuple[Path, Path]:
    from flows.synthetic import account, history_for

    rng, hrng = random.Random(11), random.Random(12)
    at = datetime.fromisoformat(AT)
    a_path, h_path = directory / f"accounts-{n}.jsonl", directory / f"history-{n}.jsonl"
    with a_path.open("w", encoding="utf-8") as fa, h_path.open("w", encoding="utf-8") as fh:
        i = 0
        while i < n:
            acc = account(i, rng)
            if acc["jurisdiction"] != "CN":
                acc.update(jurisdiction="CN", product="credit_card", currency="CNY", timezone="Asia/Shanghai")
                acc["phones"] = [{"number": f"+86138{i:08d}", "owner": "debtor"}] if acc["phones"] else []
                acc.pop("breathing_space", None)
            fa.write(json.dumps(acc, ensure_ascii=False) + "\n")
            for entry in history_for(acc, at, hrng):
                fh.write(json.dumps(entry) + "\n")
            i += 1
    return a_path, h_path


def run_child(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--playbook", default=str(ROOT / "playbooks" / "cn-credit-card.yaml"))
    parser.add_argument("--no-gate", action="store_true", help="leave the compliance gate out")
    parser.add_argument("--match-limit", type=int, default=100_000, help="accounts in the match-only timing")
    args = parser.parse_args()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    del before
    with tempfile.TemporaryDirectory(prefix="arrears-bench-") as tmp:
        for n in args.sizes:
            t0 = time.perf_counter()
            accounts, history = write_cn_portfolio(Path(tmp), n)
            print(f"\n## {n:,} accounts (portfolio written in {time.perf_counter() - t0:.1f}s)")
            results = {}
            for engine in ("durable", "python"):
                code = CHILD.format(
                    root=str(ROOT),
                    playbook=args.playbook,
                    engine=engine,
                    gate=not args.no_gate,
                    at=AT,
                    history=str(history),
                    accounts=str(accounts),
                )
                results[engine] = r = run_child(code)
                print(
                    f"decide  {engine:8s} {r['n'] / r['seconds']:>10,.0f} accounts/s  "
                    f"({r['seconds']:.1f}s)  peak RSS {r['rss_mb']:.0f} MB"
                )
            ratio = results["python"]["seconds"] / results["durable"]["seconds"]
            print(f"decide  ratio durable/python throughput: {ratio:.2f}")
            limit = min(n, args.match_limit)
            match = {}
            for engine in ("durable", "python"):
                code = MATCH_ONLY.format(
                    root=str(ROOT), playbook=args.playbook, engine=engine, at=AT, accounts=str(accounts), limit=limit
                )
                match[engine] = r = run_child(code)
                print(f"match   {engine:8s} {r['n'] / r['seconds']:>10,.0f} accounts/s  (matching step only)")
            speedup = match["python"]["seconds"] / match["durable"]["seconds"]
            print(f"match   ratio durable/python throughput: {speedup:.2f}")
            accounts.unlink()
            history.unlink()


if __name__ == "__main__":
    main()
