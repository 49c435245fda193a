"""Declaration during a running dispatch: no contact in scope is written after the commit."""

from __future__ import annotations

import json
import threading
import time
from datetime import date
from pathlib import Path

from record_fixtures import seed
from sqlalchemy import select

from emergency.guard import hold_for_emergencies
from emergency.plan import load_plan
from emergency.repository import SqlEmergencyRepository
from emergency.service import declare, stand_down
from engine.run.daily import chunk_bounds, process_chunk
from engine.store.db import get_engine
from engine.store.models import AuditLog, DecisionRow, OutboxContact
from engine.store.playbooks import loaded_in_force

DAY = date(2026, 11, 30)


def _setup(tmp_path: Path, n: int):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    seed(url, tmp_path / "pf", n)
    engine = get_engine(url)
    playbooks = loaded_in_force(engine, None)
    jurisdictions = {j for p in playbooks for j in p.playbook.applies_to.jurisdictions}
    return engine, playbooks, jurisdictions


def test_declared_scope_is_held_and_recorded(tmp_path: Path) -> None:
    engine, playbooks, jurisdictions = _setup(tmp_path, 200)
    repo = SqlEmergencyRepository(engine)
    record = declare(repo, load_plan(), tier=1, scope="jurisdiction=CN", reason="breach", by="alice")
    (lo, hi), *_ = chunk_bounds(engine, jurisdictions, 10_000)
    stats = process_chunk(engine, playbooks, lo, hi, DAY, "run-1", hold_for_emergencies)
    assert stats.dispatched == 0 and stats.blocked_by_rule["EMERGENCY.TIER1"] > 0
    with engine.connect() as conn:
        assert conn.execute(select(OutboxContact.id)).all() == []
        decisions = [json.loads(d) for d in conn.execute(select(DecisionRow.decision)).scalars()]
    held = [b for d in decisions for b in d["blocked"] if b["violations"][0]["rule"] == "EMERGENCY.TIER1"]
    assert held and record.emergency_id in held[0]["violations"][0]["reason"]

    # stood down: a rerun of the same date dispatches what was held
    stand_down(repo, load_plan(), record.emergency_id, ["alice", "bob"], "over")
    again = process_chunk(engine, playbooks, lo, hi, DAY, "run-2", hold_for_emergencies)
    assert again.dispatched == stats.blocked_by_rule["EMERGENCY.TIER1"]


def test_declaration_during_a_running_dispatch(tmp_path: Path) -> None:
    engine, playbooks, jurisdictions = _setup(tmp_path, 3000)
    bounds = chunk_bounds(engine, jurisdictions, 100)
    done: list[int] = []

    def run() -> None:
        for lo, hi in bounds:
            done.append(process_chunk(engine, playbooks, lo, hi, DAY, "run-1", hold_for_emergencies).dispatched)

    worker = threading.Thread(target=run)
    worker.start()
    while len(done) < len(bounds) // 3:
        time.sleep(0.002)
    asked = time.perf_counter()
    record = declare(SqlEmergencyRepository(engine), load_plan(), tier=1, scope="all", reason="media", by="ops")
    waited = time.perf_counter() - asked
    worker.join()
    with engine.connect() as conn:
        details = conn.execute(select(AuditLog.details).where(AuditLog.subject == record.emergency_id)).scalar_one()
        at_commit = json.loads(details)["outbox_seq_at_commit"]
        seqs = list(conn.execute(select(OutboxContact.chain_seq)).scalars())
    assert 0 < at_commit < len(bounds) * 100
    assert max(seqs) == at_commit  # nothing at all (scope `all`) was written after the commit
    assert sum(done[-3:]) == 0
    assert waited < 1.0


def test_tier3_reassigns_the_account_to_the_plan_target(tmp_path: Path) -> None:
    """A Tier 3 on one account holds its contacts and hands the case to the senior mediator,
    in the decision and in the day's assignments."""
    from engine.store.models import Assignment

    engine, playbooks, jurisdictions = _setup(tmp_path, 200)
    (lo, hi), *_ = chunk_bounds(engine, jurisdictions, 10_000)
    account_id = "CN-00000000"
    repo = SqlEmergencyRepository(engine)
    plan = load_plan()
    record = declare(repo, plan, tier=3, scope=f"account={account_id}", reason="agitated call", by="alice")
    process_chunk(engine, playbooks, lo, hi, DAY, "run-1", hold_for_emergencies)
    reassign = plan.plan.tiers[3].reassign
    assert reassign is not None
    with engine.connect() as conn:
        decision = json.loads(
            conn.execute(select(DecisionRow.decision).where(DecisionRow.account_id == account_id)).scalar_one()
        )
        row = conn.execute(select(Assignment.__table__).where(Assignment.account_id == account_id)).mappings().one()
        other = conn.execute(
            select(Assignment.__table__).where(Assignment.account_id != account_id).limit(1)
        ).mappings().one()
    assert decision["assignment"]["kind"] == reassign.kind and decision["assignment"]["queue"] == reassign.queue
    assert (row["kind"], row["queue"]) == (reassign.kind, reassign.queue)
    assert other["queue"] != reassign.queue
    assert any("reassigned by emergency" in line for line in decision["explanation"])
    assert decision["actions"] == [] and record.emergency_id in decision["blocked"][0]["violations"][0]["reason"]
