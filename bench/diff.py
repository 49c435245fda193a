"""Benchmark: `arrears playbook diff` end to end on a synthetic CN portfolio with history.

    python bench/diff.py [--sizes 200000] [--workers 2]

Writes the portfolio of bench/decide.py (CN accounts only, so every account is evaluated
under both playbooks), a copy of the shipped CN playbook with the remind/negotiate boundary
moved from 30 to 35 DPD, then times the real CLI (`--json`, fresh process: reading,
validation, history index, both evaluations, tally) and reports wall time, accounts/s and
CPU seconds of all its processes (what does not depend on the machine's other load) and the largest
process's peak RSS. `--workers` sets ARREARS_DAILY_WORKERS (unset: one
per CPU). Figures go to stdout; copy them into docs/performance.md with date and machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from decide import AT, write_cn_portfolio  # noqa: E402 - bench/ is not a package


def moved_playbook(directory: Path) -> tuple[Path, Path]:
    shipped = ROOT / "playbooks" / "cn-credit-card.yaml"
    shutil.copytree(ROOT / "playbooks" / "templates", directory / "templates")
    old, new = directory / "old.yaml", directory / "new.yaml"
    text = shipped.read_text(encoding="utf-8")
    old.write_text(text, encoding="utf-8")
    moved = text.replace("dpd >= 1 and dpd <= 30", "dpd >= 1 and dpd <= 35")
    new.write_text(moved.replace("dpd >= 31 and dpd <= 60", "dpd >= 36 and dpd <= 60"), encoding="utf-8")
    return old, new


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000])
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if args.workers is not None:
        env["ARREARS_DAILY_WORKERS"] = str(args.workers)
    with tempfile.TemporaryDirectory(prefix="arrears-bench-diff-") as tmp:
        old, new = moved_playbook(Path(tmp))
        for n in args.sizes:
            t0 = time.perf_counter()
            accounts, history = write_cn_portfolio(Path(tmp), n)
            print(f"\n## {n:,} accounts (portfolio written in {time.perf_counter() - t0:.1f}s)")
            cmd = [sys.executable, "-m", "flows.cli", "playbook", "diff", str(old), str(new)]
            cmd += ["--accounts", str(accounts), "--history", str(history), "--at", AT, "--json"]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env, cwd=ROOT)
            seconds = time.perf_counter() - t0
            result = json.loads(out.stdout)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            rss = after.ru_maxrss / 1024
            print(
                f"diff  {seconds:.1f}s  {n / seconds:,.0f} accounts/s ({2 * n / seconds:,.0f} decisions/s)  "
                f"changed {result['changed']:,}  CPU {cpu:.1f}s ({n / cpu:,.0f} accounts per CPU-second)  "
                f"peak RSS (largest process) {rss:.0f} MB  "
                f"workers {env.get('ARREARS_DAILY_WORKERS', 'one per CPU')}"
            )
            accounts.unlink()
            history.unlink()


if __name__ == "__main__":
    main()
