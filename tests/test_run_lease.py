"""A run that dies without finishing (kill -9, power loss) must not stay RUNNING forever:
its heartbeat stops, and once it is older than `STALE_AFTER` the next run marks it CRASHED
(with an audit event) and audit views show it so even before that."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import record_fixtures as rf
from sqlalchemy import select, update

from engine.store.audit_views import runs as runs_view
from engine.store.db import get_engine, upgrade
from engine.store.models import AuditLog, FlowRunRow
from engine.store.runs import STALE_AFTER, heartbeat, mark_crashed, start_run

db_url = rf.db_url


def _started(url: str, run_id: str, seconds_ago: float) -> None:
    engine = get_engine(url)
    start_run(engine, run_id, run_id, "2026-11-30", {"as_of": "2026-11-30"}, [])
    then = (datetime.now(UTC) - timedelta(seconds=seconds_ago)).isoformat()
    with engine.begin() as conn:
        conn.execute(update(FlowRunRow).where(FlowRunRow.flow_run_id == run_id).values(heartbeat_at=then))


def _states(url: str) -> dict[str, str]:
    with get_engine(url).connect() as conn:
        return dict(conn.execute(select(FlowRunRow.flow_run_id, FlowRunRow.state)).all())


def test_a_silent_run_is_marked_crashed_and_a_live_one_is_not(db_url: str, tmp_path: Path) -> None:
    upgrade(db_url)
    _started(db_url, "dead", STALE_AFTER + 60)
    _started(db_url, "alive", STALE_AFTER + 60)
    heartbeat(get_engine(db_url), "alive")  # renewed just now
    assert [r["state"] for r in runs_view(get_engine(db_url))] == ["CRASHED", "RUNNING"], "audit view shows it"
    assert _states(db_url) == {"dead": "RUNNING", "alive": "RUNNING"}, "audit views never write"
    crashed = mark_crashed(get_engine(db_url))
    assert [c["flow_run_id"] for c in crashed] == ["dead"]
    assert _states(db_url) == {"dead": "CRASHED", "alive": "RUNNING"}
    assert mark_crashed(get_engine(db_url)) == [], "marked once"
    with get_engine(db_url).connect() as conn:
        events = conn.execute(select(AuditLog.event, AuditLog.subject, AuditLog.details)).all()
    assert [(e, s) for e, s, _ in events if e == "RUN_CRASHED"] == [("RUN_CRASHED", "dead")]
    assert json.loads(next(d for e, _, d in events if e == "RUN_CRASHED"))["business_date"] == "2026-11-30"


def test_a_crashed_run_frees_the_contacts_it_had_claimed(db_url: str, tmp_path: Path) -> None:
    """A run killed while relaying holds claims on outbox rows for `CLAIM_SECONDS`; marking it
    CRASHED frees them at once (seen on PostgreSQL: the rerun found 13 contacts still claimed
    and ended with contacts waiting), while a live run's claims stay."""
    from sqlalchemy import insert

    from engine.store.models import OutboxDispatch
    from engine.store.runs import claim_token

    upgrade(db_url)
    _started(db_url, "dead", STALE_AFTER + 60)
    _started(db_url, "alive", 0)
    engine = get_engine(db_url)
    later = "2999-01-01T00:00:00.000000+00:00"
    with engine.begin() as conn:
        conn.execute(
            insert(OutboxDispatch),
            [
                {"idempotency_key": key, "business_date": "2026-11-30", "account_id": key, "attempts": 0,
                 "claimed_until": claim_token(later, owner, "n")}
                for key, owner in (("k-dead", "dead"), ("k-alive", "alive"))
            ],
        )  # fmt: skip
    assert [r["flow_run_id"] for r in mark_crashed(engine)] == ["dead"]
    with engine.connect() as conn:
        claims = dict(conn.execute(select(OutboxDispatch.idempotency_key, OutboxDispatch.claimed_until)).all())
    assert claims["k-dead"] is None and claims["k-alive"] == claim_token(later, "alive", "n")
