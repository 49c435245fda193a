"""`arrears simulate`'s engine room: one playbook, N business days, simulated customers, in a
database of its own.

Each playbook runs in a fresh SQLite database inside a folder the caller owns (a temporary
one for the command): the user's database is never opened. The same accounts (and history)
are imported into each, and the behaviour model (`engine.simulate`) draws every answer from
(seed, account, instant or date, purpose), so the champion and the challenger face the same
customers: a customer contacted at the same instant by both reacts the same way.

A business day is the daily run's own steps, called in-process instead of as a Prefect flow
(a temporary Prefect server per simulation would cost more than the simulation): the run
record (`engine.store.runs`), every account range decided, gated and written with the
emergency hold inside the writing transaction (`engine.run.daily.process_chunk` with
`emergency.guard.hold_for_emergencies`, exactly what the flow's chunk task calls), the relay
with its emergency re-check (`flows.relay.relay`, the function behind the flow's relay task),
then the day's KPI snapshot (`engine.kpi.daily.compute_and_store_kpis`). Promises enter each
decision through the same `latest_promises` read the flow uses. Left out: collectors'
worklists and agency placements (`allocate_day`) — nobody works them in a simulation — and
Prefect artifacts. Between two business dates the behaviour model answers, promises and pays
through the import paths (`engine.simulate.record.simulate_between`), as in `arrears demo`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from emergency.guard import hold_for_emergencies
from engine.contracts.errors import InputError
from engine.playbook.loader import LoadedPlaybook
from flows.demo_loop import next_business_day

MAKER, CHECKER = "simulate-strategist", "simulate-risk-officer"
CHUNK = 1000


@dataclass
class Simulation:
    """One playbook's simulated days: KPI rows per date, its recovery curve, its contact log."""

    playbook: dict[str, str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    curve: list[tuple[str, float]] = field(default_factory=list)
    folder: Path = Path()
    engine: Any = None
    limits: Any = None  # the playbook's compliance limits (engine.compliance.limits.Limits)


def _database(folder: Path) -> Any:
    """A fresh, migrated SQLite database in `folder` (never the configured one)."""
    from engine.store.db import make_engine, upgrade

    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'simulation.sqlite'}"
    upgrade(url)
    return make_engine(url)


def _approve(engine: Any, playbook: Path) -> LoadedPlaybook:
    """The playbook stored and approved by two people (maker-checker, as for real)."""
    from engine.store.playbooks import activate, approve, loaded_in_force

    identity, _ = activate(engine, playbook, MAKER)
    approve(engine, identity["sha256"], CHECKER)
    loaded = loaded_in_force(engine, identity["name"])
    if not loaded or not loaded[0].playbook.stages:
        raise InputError.at(str(playbook), 1, 1, "not a strategy playbook (no stages)")
    return loaded[0]


def run_business_day(engine: Any, loaded: LoadedPlaybook, day: date) -> dict[str, Any]:
    """The daily run's steps for `day`, in-process (see the module docstring)."""
    from engine.kpi.daily import compute_and_store_kpis
    from engine.run.daily import ChunkStats, chunk_bounds, process_chunk
    from engine.run.relay import pending_count
    from engine.store.runs import finish_run, start_run
    from flows.relay import relay

    run_id, iso = f"simulate-{loaded.sha256[:12]}-{day.isoformat()}", day.isoformat()
    start_run(engine, run_id, run_id, iso, {"as_of": iso, "simulation": True}, [loaded.identity])
    summary = ChunkStats()
    for lo, hi in chunk_bounds(engine, set(loaded.playbook.applies_to.jurisdictions), CHUNK):
        summary.add(process_chunk(engine, [loaded], lo, hi, day, run_id, hold_for_emergencies))
    sent = relay(engine, iso, "outbox", owner=run_id)
    summary.relayed += sent.sent
    result = {**summary.as_dict(), "pending": pending_count(engine, iso)}
    finish_run(engine, run_id, "COMPLETED", result)
    compute_and_store_kpis(engine, iso)
    return result


def _kpis(engine: Any, days: list[date]) -> tuple[list[dict[str, Any]], list[tuple[str, float]]]:
    """The contract's KPI row of each date, and the cumulative recovery rate from the first."""
    from engine.kpi.queries import kpi_rows

    rows, curve, first = [], [], days[0].isoformat()
    empty = {"accounts": 0, "contacted": 0, "right_party_contacts": 0, "promises_made": 0, "promises_kept": 0,
             "promises_broken": 0, "collected": "0.00", "opening_balance": "0.00", "recovery_rate": None,
             "paid": 0}  # fmt: skip
    with engine.connect() as conn:
        for day in days:
            found = kpi_rows(conn, day.isoformat(), day.isoformat())
            row = {k: v for k, v in (found[0] if found else empty).items() if k != "group"}
            rows.append({"date": day.isoformat(), **row})
            total = kpi_rows(conn, first, day.isoformat())
            curve.append((day.isoformat(), float(total[0]["recovery_rate"] or 0) if total else 0.0))
    return rows, curve


def simulate_playbook(
    playbook: Path, accounts: Path, history: Path | None, days: list[date], seed: int, folder: Path
) -> Simulation:
    """Run `days` for one playbook in a database of its own in `folder` (which the caller owns)."""
    from engine.simulate.record import simulate_between
    from engine.store.imports import import_accounts, import_history

    engine = _database(folder)
    import_accounts(engine, accounts)
    if history is not None:
        import_history(engine, history)
    loaded = _approve(engine, playbook)
    for day in days:
        run_business_day(engine, loaded, day)
        simulate_between(engine, seed, day, next_business_day(day), folder / "customers", loaded.compliance_limits)
    rows, curve = _kpis(engine, days)
    return Simulation(loaded.identity, rows, curve, folder, engine, loaded.compliance_limits)


def contact_log(sim: Simulation, folder: Path) -> tuple[Path, Path]:
    """Accounts and the contact log as contract JSONL: every history line and outbox contact,
    except that a simulated dialer's result line and the outbox contact it answers (same
    account, instant and channel) are one contact — the outbox's action (addressee, kind,
    template, by) with the result's outcome — so no contact counts twice and each is judged
    as it was sent. A contact the dialer's pre-dial check skipped never took place: left out."""
    import json
    from datetime import datetime

    from sqlalchemy import select

    from engine.contracts.facts import outbox_history
    from engine.simulate.dialer import not_skipped
    from engine.store.models import AccountRow, ContactHistoryRow, OutboxContact, OutboxDispatch

    def key(h: dict[str, Any]) -> tuple[str, datetime, str]:
        return h["account_id"], datetime.fromisoformat(h["at"]), h["channel"]

    folder.mkdir(parents=True, exist_ok=True)
    a, h, o, d = AccountRow.__table__, ContactHistoryRow.__table__, OutboxContact.__table__, OutboxDispatch.__table__
    made = select(o.c.account_id, o.c.action).join(d, d.c.idempotency_key == o.c.idempotency_key)
    with sim.engine.connect() as conn:
        facts = [f for (f,) in conn.execute(select(a.c.facts).order_by(a.c.account_id))]
        history = [json.loads(body) for (body,) in conn.execute(select(h.c.body))]
        sent = [outbox_history(i, action) for i, action in conn.execute(made.where(not_skipped(d.c.last_error)))]
    results = {key(line): line.get("outcome") for line in history if line.get("direction") == "outbound"}
    ours = {key(c) for c in sent}
    log = [line for line in history if line.get("direction") != "outbound" or key(line) not in ours]
    log += [{**c, "outcome": results[key(c)]} if results.get(key(c)) else c for c in sent]
    accounts, out = folder / "accounts.jsonl", folder / "history.jsonl"
    accounts.write_text("".join(f + "\n" for f in facts), encoding="utf-8")
    out.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in log), encoding="utf-8")
    return accounts, out


def compliance_findings(sim: Simulation) -> list[Any]:
    """Every contact the simulation dispatched, replayed through the compliance audit with the
    playbook's own limits (the same rules as the gate, each contact against everything before
    it); the findings on those contacts, empty when clean. The accounts file's own past history
    is context here, not audited: `arrears audit compliance` is the command for it."""
    from engine.compliance.audit import audit
    from engine.simulate.record import dispatched_contacts

    accounts, history = contact_log(sim, sim.folder / "audit")
    first, last = date.fromisoformat(sim.rows[0]["date"]), date.fromisoformat(sim.rows[-1]["date"])
    ours = {(c.account_id, c.at, c.channel) for c in dispatched_contacts(sim.engine, first, last)}
    found = audit(history, accounts, limits=sim.limits).findings
    return [f for f in found if (f.account_id, f.at, f.channel) in ours]
