"""Benchmark of the daily allocation: 1M collector cases across 500 collectors (budget ≤ 30 s).

Synthetic but shaped like a real day: 10 queues, 3 languages, collectors serving 1–2 queues
and 1–2 languages with capacities of 40–120 (some absent), priorities 0–100 with a top band
at ≥ 80 (share 0.8), a third of the cases with yesterday's collector, half the playbooks
overflowing to a named queue. Capacity (≈ 40k) is far below demand, as in a bad month, so
every pass (continuity, fill, fallback, overflow) does real work. Measures `allocate()` alone
(the record's reads and writes are the daily run's, measured by bench/daily.py).

    .venv/bin/python bench/allocate.py [--cases 1000000] [--collectors 500] [--seed 7] [--ample]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.allocate.allocation import Case, Desk, allocate

QUEUES = [f"queue-{i}" for i in range(10)]
LANGUAGES = ["zh", "en", "es"]


def desks(rng: random.Random, n: int, low: int = 40, high: int = 120) -> list[Desk]:
    return [
        Desk(
            id=f"C{i:04d}",
            queues=frozenset(rng.sample(QUEUES, rng.choice((1, 2)))),
            languages=frozenset(rng.sample(LANGUAGES, rng.choice((1, 2)))),
            capacity=0 if rng.random() < 0.05 else rng.randint(low, high),
        )
        for i in range(n)
    ]


def cases(rng: random.Random, n: int, collectors: list[Desk]) -> list[Case]:
    out = []
    for i in range(n):
        priority = rng.randint(0, 100)
        out.append(
            Case(
                account_id=f"A{i:08d}",
                queue=rng.choice(QUEUES),
                language=rng.choices(LANGUAGES, (6, 3, 1))[0],
                priority=priority,
                top=priority >= 80,
                share=0.8,
                previous=rng.choice(collectors).id if rng.random() < 0.33 else None,
                fallback=rng.choice(QUEUES) if i % 2 else None,
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--collectors", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--ample", action="store_true", help="capacities 1,500–2,500: most cases find a collector")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    team = desks(rng, args.collectors, *((1500, 2500) if args.ample else (40, 120)))
    day = cases(rng, args.cases, team)
    start, cpu = time.perf_counter(), time.process_time()
    result = allocate(day, team)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    capacity = sum(d.capacity for d in team)
    print(
        f"allocate: {args.cases:,} cases, {args.collectors} collectors (capacity {capacity:,}): "
        f"{elapsed:.2f} s wall, {cpu:.2f} s CPU; allocated {len(result.collector):,} "
        f"({len(result.continued):,} kept yesterday's collector), overflow {len(result.overflow):,}"
    )
    assert all(result.load[d.id] <= d.capacity for d in team)


if __name__ == "__main__":
    main()
