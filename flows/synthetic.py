"""A synthetic portfolio for demos, drills and benchmarks: accounts and contact histories.

Deterministic for a seed, generated as a stream (`accounts(n)` never holds more than one
account), with the mix a real CN/US/UK book shows: most accounts early in delinquency, a
long tail, some flags, some lost contacts, histories with ignored SMS and refused calls.
Every name, number and address is fictitious (the 555-01xx, 7700 900xxx and 138-0013-8xxx
ranges are reserved for fiction or examples).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

JURISDICTIONS = (
    ("CN", "credit_card", "CNY", "Asia/Shanghai", 0.45),
    ("US", "personal_loan", "USD", "America/Chicago", 0.30),
    ("UK", "personal_loan", "GBP", "Europe/London", 0.25),
)
US_ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")
CN_NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强")
EN_NAMES = ("Alex Morgan", "Sam Taylor", "Jordan Lee", "Chris Evans", "Pat Quinn", "Robin Shaw")


def _phone(j: str, i: int) -> str:
    if j == "CN":
        return f"+86138{i % 100_000_000:08d}"
    if j == "US":
        return f"+1202555{(i % 100):02d}{(i // 100) % 100:02d}"
    return f"+447700900{i % 1000:03d}"


def account(i: int, rng: random.Random) -> dict[str, Any]:
    r, acc = rng.random(), 0.0
    j, product, currency, zone, _ = JURISDICTIONS[-1]
    for entry in JURISDICTIONS:
        acc += entry[4]
        if r <= acc:
            j, product, currency, zone, _ = entry
            break
    dpd = int(min(400, rng.expovariate(1 / 45))) + 1 if rng.random() > 0.03 else 0
    balance = Decimal(rng.choice((800, 2500, 6000, 15000, 40000, 90000))) * Decimal(rng.randint(50, 150)) / Decimal(100)
    flags: list[str] = []
    for flag, p in (
        ("complaint_open", 0.02),
        ("vulnerable", 0.02),
        ("lost_contact", 0.04),
        ("fraud_suspect", 0.01),
        ("disputed", 0.01),
        ("opted_out_sms", 0.03),
    ):
        if rng.random() < p:
            flags.append(flag)
    birth = rng.randint(1950, 2004)
    name = rng.choice(CN_NAMES if j == "CN" else EN_NAMES)
    rec: dict[str, Any] = {
        "account_id": f"{j}-{i:08d}",
        "debtor_id": f"D{j}-{i // 2:08d}" if rng.random() < 0.1 else f"D{j}-{i:08d}",
        "jurisdiction": j,
        "product": product,
        "currency": currency,
        "balance": str(balance.quantize(Decimal("0.01"))),
        "dpd": dpd,
        "risk_score": rng.randint(300, 850),
        "timezone": rng.choice(US_ZONES) if j == "US" else zone,
        "birth_year": birth,
        "flags": flags,
        "phones": []
        if "lost_contact" in flags and rng.random() < 0.5
        else [{"number": _phone(j, i), "owner": "debtor"}],
        "emails": [{"address": f"user{i}@example.com", "employer_provided": rng.random() < 0.1, "consented": False}],
        "attributes": {
            "name": name,
            "multi_borrowing_count": rng.choice((0, 0, 0, 1, 2, 6)),
            "broken_promises": rng.choice((0, 0, 1, 2, 3)),
        },
    }
    if j == "UK" and rng.random() < 0.03:
        rec["breathing_space"] = {"kind": "standard", "start": "2026-11-01", "end": None}
    return rec


def accounts(n: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for i in range(n):
        yield account(i, rng)


def history_for(acc: dict[str, Any], at: datetime, rng: random.Random) -> Iterator[dict[str, Any]]:
    """A few past contacts: ignored SMS, refused or unanswered calls, some conversations.

    US accounts past their first days also have the validation notice (12 CFR 1006.34) that a
    real servicer sends with its first communication.
    """
    if acc["jurisdiction"] == "US" and acc["dpd"] > 5:
        yield {
            "account_id": acc["account_id"],
            "at": (at - timedelta(days=min(acc["dpd"], 60) - 1)).isoformat(),
            "channel": "letter",
            "kind": "validation_notice",
            "template": "validation_notice.j2",
            "outcome": "delivered",
            "by": "collections-ops",
        }
    for _ in range(rng.choice((0, 0, 1, 2, 3, 4))):
        channel = rng.choice(("sms", "sms", "call", "call", "email"))
        outcome = {
            "sms": rng.choice(("delivered", "read_no_reply", "read_no_reply", "replied")),
            "call": rng.choice(("no_answer", "refused", "conversation", "busy", "voicemail")),
            "email": rng.choice(("delivered", "read_no_reply")),
        }[channel]
        when = at - timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 8))
        yield {
            "account_id": acc["account_id"],
            "at": when.isoformat(),
            "channel": channel,
            "outcome": outcome,
            "by": rng.choice(("robot-remind", "collector-007", "collector-012", "agency-approved-01")),
            "recorded": channel == "call",
        }


def write_portfolio(directory: Path, n: int, at: datetime, seed: int = 7) -> tuple[Path, Path]:
    """Write `accounts.jsonl` and `history.jsonl` for `n` accounts; returns both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    a_path, h_path = directory / "accounts.jsonl", directory / "history.jsonl"
    rng = random.Random(seed + 1)
    with a_path.open("w", encoding="utf-8") as fa, h_path.open("w", encoding="utf-8") as fh:
        for acc in accounts(n, seed):
            fa.write(json.dumps(acc, ensure_ascii=False) + "\n")
            for entry in history_for(acc, at, rng):
                fh.write(json.dumps(entry) + "\n")
    return a_path, h_path
