"""Benchmark of the pre-contact gate: p50/p99 of `gate.check` over 200-entry histories.

A dialer calls the gate before every dial, so the budget is p99 ≤ 5 ms in process.
Histories are synthetic but realistic: 200 contacts over the last 30 days across channels
and outcomes, some on the debtor's other account; actions fall at any time of day, so
both allowed and blocked verdicts (with `next_allowed_at` searches) are measured.

    .venv/bin/python bench/check.py [--runs 3000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.compliance.gate import check
from engine.contracts.facts import Account, Action, HistoryEntry

ZONES = {"US": "America/Chicago", "CN": "Asia/Shanghai", "UK": "Europe/London"}
CHANNELS = ("call", "call", "call", "robot_call", "sms", "email", "letter")
OUTCOMES = ("no_answer", "no_answer", "connected", "conversation", "busy", "voicemail", "delivered", None)


def scenario(rng: random.Random, jurisdiction: str, now: datetime) -> tuple[Account, list[HistoryEntry], Action]:
    account = Account(
        account_id="A1", debtor_id="D1", jurisdiction=jurisdiction, balance=1000, dpd=45,
        timezone=ZONES[jurisdiction] if rng.random() < 0.7 else None,
        flags=("vulnerable",) if rng.random() < 0.1 else (),
    )  # fmt: skip
    history = [
        HistoryEntry(
            account_id="A1" if rng.random() < 0.9 else "A2",
            at=now - timedelta(minutes=rng.randint(1, 30 * 1440)),
            channel=rng.choice(CHANNELS),
            outcome=rng.choice(OUTCOMES),
            kind="validation_notice" if i == 0 else None,
            recorded=True,
            to="+10000000001",
        )
        for i in range(200)
    ]
    action = Action(
        channel=rng.choice(("call", "sms", "email")), at=now + timedelta(minutes=rng.randint(0, 1440)),
        to="+10000000001", recorded=True, kind="payment_demand",
        text=rng.choice((None, "Your payment is due. Reply STOP to opt out.")),
    )  # fmt: skip
    return account, history, action


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    now = datetime(2026, 5, 11, 9, 0, tzinfo=ZoneInfo("UTC"))
    cases = [scenario(rng, rng.choice(("US", "CN", "UK")), now) for _ in range(200)]
    for case in cases[:50]:  # warm caches (rule registry, zoneinfo, regexes)
        check(*case)
    samples, blocked = [], 0
    for i in range(args.runs):
        account, history, action = cases[i % len(cases)]
        start = time.perf_counter_ns()
        verdict = check(account, history, action)
        samples.append((time.perf_counter_ns() - start) / 1e6)
        blocked += not verdict.allowed
    samples.sort()
    p50 = statistics.median(samples)
    p99 = samples[int(len(samples) * 0.99) - 1]
    print(f"gate.check, 200-entry history, {args.runs} runs ({blocked} blocked): "
          f"p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {samples[-1]:.3f} ms")  # fmt: skip
    if p99 > 5.0:
        print("p99 above the 5 ms budget", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
