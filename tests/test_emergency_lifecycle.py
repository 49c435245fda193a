"""One life cycle, one answer in every view (issue 9, defect 4).

A Tier 3 emergency is declared, stood down, cools off and ends (by time, or early with four
eyes). At each point the dispatch guard, `check`, `emergency status`, the audit report and
the stand-down / end-cooling-off commands must say the same thing about it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from emergency import lifecycle
from emergency.guard import _guard
from emergency.model import InMemoryRepository
from emergency.plan import load_plan
from emergency.repository import SqlEmergencyRepository, apply_to_verdict, lifecycle_views
from emergency.service import declare, end_cooling_off, stand_down
from engine.contracts.errors import InputError
from engine.report.audit_report import gather
from engine.store.chain import verify_all
from engine.store.db import get_engine, ready_engine
from engine.store.models import AuditLog, EmergencyCoolingOffEnd

PLAN = load_plan()
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
ACC = {"account_id": "A1", "debtor_id": "D1", "jurisdiction": "CN"}
CALL = {"channel": "call", "kind": "payment_demand"}
ALLOWED = {"allowed": True, "violations": [], "next_allowed_at": None}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SqlEmergencyRepository:
    monkeypatch.setenv("ARREARS_DATABASE_URL", f"sqlite:///{tmp_path / 'arrears.sqlite'}")
    get_engine.cache_clear()  # `ready_engine()` caches the configured engine under no argument
    return SqlEmergencyRepository(ready_engine())


def views(repo: SqlEmergencyRepository, emergency_id: str, at: datetime) -> dict[str, object]:
    """What each view says about one emergency at `at`."""
    record = repo.get(emergency_id)
    assert record is not None
    with repo.engine.connect() as conn:
        guard_holds = bool(_guard(conn, at).violations(ACC, {}, CALL))
    verdict = apply_to_verdict(dict(ALLOWED), ACC, CALL, at)
    report = gather(repo.engine, "2026-11-30", lifecycle_views(repo.engine, at))
    (row,) = [e for e in report["emergencies"] if e["emergency_id"] == emergency_id]
    status = record.status_json(at)
    try:
        lifecycle.require(record, "stand_down", at)
        can_stand_down = True
    except InputError:
        can_stand_down = False
    return {
        "status": status["state"],
        "report": row["state"],
        "guard holds": guard_holds,
        "check blocks": not verdict["allowed"],
        "check next": verdict["next_allowed_at"],
        "status ends": status["ends_at"],
        "report ends": row["ends_at"],
        "can stand down": can_stand_down,
    }


def expect(state: str, ends: str | None = None) -> dict[str, object]:
    held = state in lifecycle.ENFORCED_STATES
    return {
        "status": state,
        "report": state,
        "guard holds": held,
        "check blocks": held,
        "check next": ends,
        "status ends": ends,
        "report ends": ends,
        "can stand down": state == lifecycle.ACTIVE,
    }


def test_every_view_agrees_through_the_life_cycle(repo: SqlEmergencyRepository) -> None:
    record = declare(repo, PLAN, tier=3, scope="debtor=D1", reason="agitated call", by="alice", at=T0)
    eid = record.emergency_id
    until = (T0 + timedelta(hours=48)).isoformat()
    assert views(repo, eid, T0 - timedelta(seconds=1)) == expect(lifecycle.NOT_DECLARED)
    assert views(repo, eid, T0 + timedelta(minutes=30)) == expect(lifecycle.ACTIVE)

    stand_down(repo, PLAN, eid, ["bob"], "calmed down", at=T0 + timedelta(hours=1))
    # before the stand-down it was active (history does not change); after it, cooling off
    assert views(repo, eid, T0 + timedelta(minutes=30)) == expect(lifecycle.ACTIVE)
    assert views(repo, eid, T0 + timedelta(hours=2)) == expect(lifecycle.COOLING_OFF, until)
    assert views(repo, eid, T0 + timedelta(hours=49)) == expect(lifecycle.STOOD_DOWN)


def test_cooling_off_ended_early_with_four_eyes(repo: SqlEmergencyRepository) -> None:
    record = declare(repo, PLAN, tier=3, scope="debtor=D1", reason="agitated call", by="alice", at=T0)
    eid = record.emergency_id
    with pytest.raises(InputError, match="is active, not cooling off: stand it down first"):
        end_cooling_off(repo, PLAN, eid, ["bob", "carol"], "early", at=T0 + timedelta(minutes=10))
    stand_down(repo, PLAN, eid, ["bob"], "calmed down", at=T0 + timedelta(hours=1))
    with pytest.raises(InputError, match=r"in cooling-off until .* end-cooling-off"):
        stand_down(repo, PLAN, eid, ["bob"], "again", at=T0 + timedelta(hours=2))
    with pytest.raises(InputError, match=r"needs 2 distinct people.*the same person twice is one person"):
        end_cooling_off(repo, PLAN, eid, ["bob", " BOB"], "debtor asked for a call", at=T0 + timedelta(hours=3))

    end_cooling_off(repo, PLAN, eid, ["bob", "carol"], "debtor asked for a call", at=T0 + timedelta(hours=3))
    until = (T0 + timedelta(hours=48)).isoformat()
    assert views(repo, eid, T0 + timedelta(hours=2)) == expect(lifecycle.COOLING_OFF, until)
    assert views(repo, eid, T0 + timedelta(hours=3)) == expect(lifecycle.STOOD_DOWN)
    with pytest.raises(InputError, match=r"already stood down .* has ended"):
        end_cooling_off(repo, PLAN, eid, ["bob", "carol"], "again", at=T0 + timedelta(hours=4))

    # the tamper-evident record: a chained row and an audit line naming both people
    with repo.engine.connect() as conn:
        (row,) = conn.execute(select(EmergencyCoolingOffEnd.__table__)).mappings().all()
        log = AuditLog.__table__
        events = [r.event for r in conn.execute(select(log.c.event).order_by(log.c.chain_seq))]
        _, broken = verify_all(conn)
    assert row["emergency_id"] == eid and row["ended_by"] == '["bob", "carol"]'
    assert events[-1] == "EMERGENCY_COOLING_OFF_ENDED" and broken is None


def test_the_plan_can_name_who_may_end_cooling_off(tmp_path: Path) -> None:
    text = PLAN.path.read_text(encoding="utf-8").replace(
        "    end_cooling_off:\n      people: 2\n", "    end_cooling_off:\n      people: 1\n      allowed: [ops.lead]\n"
    )
    (tmp_path / "templates").symlink_to(PLAN.path.parent / "templates")
    (tmp_path / "emergency.yaml").write_text(text, encoding="utf-8")
    plan = load_plan(tmp_path / "emergency.yaml")
    repo = InMemoryRepository()
    record = declare(repo, plan, tier=3, scope="account=A1", reason="agitated", by="alice", at=T0)
    stand_down(repo, plan, record.emergency_id, ["bob"], "calm", at=T0 + timedelta(hours=1))
    with pytest.raises(InputError, match="not allowed to end the cooling-off of tier 3: bob"):
        end_cooling_off(repo, plan, record.emergency_id, ["bob"], "early", at=T0 + timedelta(hours=2))
    done = end_cooling_off(repo, plan, record.emergency_id, ["Ops.Lead"], "early", at=T0 + timedelta(hours=2))
    assert done.state(T0 + timedelta(hours=2)) == lifecycle.STOOD_DOWN
    assert repo.audit_log[-1]["event"] == "EMERGENCY_COOLING_OFF_ENDED"


def test_a_tier_without_cooling_off_ends_at_stand_down() -> None:
    repo = InMemoryRepository()
    record = declare(repo, PLAN, tier=2, scope="collector=c7", reason="complaints", by="alice", at=T0)
    done = stand_down(repo, PLAN, record.emergency_id, ["bob"], "handled", at=T0 + timedelta(hours=1))
    assert done.state(T0 + timedelta(hours=1)) == lifecycle.STOOD_DOWN
    assert done.status_json(T0 + timedelta(hours=1))["ends_at"] is None


@pytest.mark.parametrize("store", ["memory", "sql"])
def test_tier1_stand_down_is_pending_until_a_second_user_signs(store: str, repo: SqlEmergencyRepository) -> None:
    """Issue 14: each user signs with their own key; one signature changes nothing (contact held),
    the same user again is refused, another user's confirmation is the stand-down, at its time."""
    from emergency.service import sign_off

    repo = InMemoryRepository() if store == "memory" else repo  # type: ignore[assignment]
    eid = declare(repo, PLAN, tier=1, scope="all", reason="media", by="olga", at=T0).emergency_id
    with pytest.raises(InputError, match=r"no stand-down of .* awaits confirmation"):
        sign_off(repo, PLAN, eid, "stand_down", "paul", None, confirming=True, at=T0 + timedelta(minutes=5))
    first = sign_off(repo, PLAN, eid, "stand_down", "olga", "over", confirming=False, at=T0 + timedelta(minutes=10))
    later = T0 + timedelta(minutes=20)
    assert lifecycle.state_at(first, later) == lifecycle.ACTIVE and first.enforced(later)
    assert lifecycle.view(first, later)["pending"] == {"action": "stand_down", "by": ["olga"]}
    with pytest.raises(InputError, match="same user twice is one person"):
        sign_off(repo, PLAN, eid, "stand_down", "olga", None, confirming=True, at=later)
    with pytest.raises(InputError, match="awaits confirmation by another user"):
        sign_off(repo, PLAN, eid, "stand_down", "paul", "x", confirming=False, at=later)
    done = sign_off(repo, PLAN, eid, "stand_down", "paul", None, confirming=True, at=T0 + timedelta(minutes=30))
    assert done.stand_down is not None and done.stand_down.by == ("olga", "paul")
    assert done.stand_down.reason == "over" and done.stand_down.at == T0 + timedelta(minutes=30)
    assert lifecycle.state_at(done, T0 + timedelta(minutes=25)) == lifecycle.ACTIVE  # not stood down before
    assert lifecycle.state_at(done, T0 + timedelta(minutes=31)) == lifecycle.STOOD_DOWN
    assert "pending" not in lifecycle.view(done, T0 + timedelta(minutes=31))
