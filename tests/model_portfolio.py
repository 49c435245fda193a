"""A synthetic portfolio for the model tests, answered by the behaviour model (engine/simulate).

Each account's customer type (known best hour per type) is written as `attributes.segment`, the
segment a lender's own scorecard would give; calls are spread over the lawful day (08:00–20:59
local, a dialer's retries) on 60 days, answered by `engine.simulate.outcomes.day_outcomes` and
followed by its promises and payments, all loaded through the import paths.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from engine.simulate.behaviour import customer_type, uniform
from engine.simulate.outcomes import AccountView, Contact, day_outcomes, promise_payments
from engine.store.imports import import_accounts, import_history
from engine.store.outcomes import import_payments, import_promises

FIRST = date(2026, 9, 1)
DAYS = 60
AS_OF = FIRST + timedelta(days=DAYS - 1)
ZONE = "Asia/Shanghai"


def _write(path: Path, lines: list[dict]) -> Path:
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def _accounts(seed: int, n: int) -> list[dict]:
    out = []
    for i in range(n):
        aid = f"M{i:05d}"
        balance = 500 + int(uniform(seed, aid, "balance") * 9500)
        out.append({"account_id": aid, "debtor_id": f"D{i:05d}", "jurisdiction": "CN", "product": "credit_card",
                    "currency": "CNY", "balance": str(balance), "dpd": 10 + int(uniform(seed, aid, "dpd") * 80),
                    "timezone": ZONE, "attributes": {"segment": customer_type(seed, aid).name}})  # fmt: skip
    return out


def _calls(seed: int, aid: str, per_account: int) -> list[Contact]:
    calls = []
    for k in range(per_account):
        day = FIRST + timedelta(days=int(uniform(seed, aid, k, "day") * DAYS))
        minutes = int(uniform(seed, aid, k, "minute") * 13 * 60)  # 08:00–20:59
        local = datetime.combine(day, time(8), ZoneInfo(ZONE)) + timedelta(minutes=minutes)
        calls.append(Contact(aid, local.astimezone(UTC), "call"))
    return calls


def build(engine, folder: Path, seed: int = 11, n: int = 2000, per_account: int = 40) -> dict[str, int]:
    """Load the portfolio; the known best hour per segment."""
    accounts = _accounts(seed, n)
    import_accounts(engine, _write(folder / "accounts.jsonl", accounts))
    views = {a["account_id"]: AccountView(a["account_id"], "CNY", Decimal(a["balance"]), ZONE) for a in accounts}
    by_day: dict[date, list[Contact]] = {}
    for a in accounts:
        for c in _calls(seed, a["account_id"], per_account):
            by_day.setdefault(c.at.astimezone(ZoneInfo(ZONE)).date(), []).append(c)
    history, promises, payments = [], [], []
    for day in sorted(by_day):
        out = day_outcomes(seed, by_day[day], views)
        history += out.history
        promises += out.promises
        payments += out.payments
    payments += promise_payments(seed, FIRST, AS_OF + timedelta(days=1), promises, views)
    import_history(engine, _write(folder / "history.jsonl", history))
    import_promises(engine, _write(folder / "promises.jsonl", promises))
    import_payments(engine, _write(folder / "payments.jsonl", payments))
    return {a["attributes"]["segment"]: customer_type(seed, a["account_id"]).best_hour for a in accounts}
