"""The emergency repository on the system of record (`engine.store`).

A declaration is written in one transaction: its hash-chained `emergencies` row, its
`emergency_details` row (the plan snapshot enforcement reads) and its `EMERGENCY_DECLARED`
audit line. Holding the `emergencies` chain head while writing also orders a declaration
against the daily run's outbox writes, which check emergencies inside their own transaction
(`emergency.guard`): a chunk either committed before the declaration, or sees it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from emergency.model import (
    CONFIRMED,
    COOLING_OFF_ENDED,
    EVENTS,
    NOTICE_ACKNOWLEDGED,
    NOTICE_ESCALATED,
    NOTICE_FILED,
    SIGNOFF_EVENTS,
    STOOD_DOWN,
    CoolingOffEndRecord,
    EmergencyRecord,
    NoticeRecord,
    SignOff,
    StandDownRecord,
    StoredEvent,
    cooling_off_end_details,
    declaration_details,
    notice_details,
    signoff_details,
)
from emergency.tables import EmergencyDetail, EmergencyEventRow, EmergencyNoticeRow, EmergencySignoffRow
from engine.store.audit_log import log_event
from engine.store.chain import ChainWriter
from engine.store.clock import iso_utc, now_iso
from engine.store.models import ChainHead, EmergencyCoolingOffEnd, EmergencyStandDown
from engine.store.upsert import insert_new


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _detail_row(record: EmergencyRecord) -> dict[str, Any]:
    snapshot = {
        "suspend": record.suspend,
        "reassign": record.reassign,
        "cooling_off_seconds": record.cooling_off_seconds,
    }
    return {
        "emergency_id": record.emergency_id,
        "kind": record.kind,
        "tier": record.tier,
        "scope": record.scope,
        "reason": record.reason,
        "declared_by": record.declared_by,
        "declared_at": iso_utc(record.declared_at),
        "source": record.source,
        "plan": record.plan,
        "plan_sha256": record.plan_sha256,
        "snapshot": json.dumps(snapshot, sort_keys=True),
        "proposal_id": record.proposal_id,
        "confirmed_as": record.confirmed_as,
    }


def load_records(conn: Connection) -> list[EmergencyRecord]:
    """Every emergency record with its stand-down; the table is small (hundreds of rows)."""
    d, s = EmergencyDetail.__table__, EmergencyStandDown.__table__
    downs: dict[str, StandDownRecord] = {}
    for row in conn.execute(select(s.c.emergency_id, s.c.stood_down_by, s.c.reason, s.c.at).order_by(s.c.chain_seq)):
        record = StandDownRecord(tuple(json.loads(row.stood_down_by)), row.reason, _dt(row.at))  # type: ignore[arg-type]
        downs.setdefault(row.emergency_id, record)
    ends: dict[str, CoolingOffEndRecord] = {}
    e = EmergencyCoolingOffEnd.__table__
    for row in conn.execute(select(e.c.emergency_id, e.c.ended_by, e.c.reason, e.c.at).order_by(e.c.chain_seq)):
        ends.setdefault(row.emergency_id, CoolingOffEndRecord(tuple(json.loads(row.ended_by)), row.reason, _dt(row.at)))  # type: ignore[arg-type]
    signoffs = _signoffs(conn)
    out = []
    for row in conn.execute(select(d).order_by(d.c.declared_at, d.c.emergency_id)).mappings():
        snap = json.loads(row["snapshot"])
        out.append(
            EmergencyRecord(
                emergency_id=row["emergency_id"],
                tier=int(row["tier"]),
                scope=row["scope"],
                reason=row["reason"],
                declared_by=row["declared_by"],
                declared_at=_dt(row["declared_at"]),  # type: ignore[arg-type]
                kind=row["kind"],
                source=row["source"],
                plan=row["plan"],
                plan_sha256=row["plan_sha256"],
                suspend=snap["suspend"],
                reassign=snap["reassign"],
                cooling_off_seconds=int(snap["cooling_off_seconds"]),
                stand_down=downs.get(row["emergency_id"]),
                cooling_off_end=ends.get(row["emergency_id"]),
                confirmed_as=row["confirmed_as"],
                proposal_id=row["proposal_id"],
                signoffs=tuple(signoffs.get(row["emergency_id"], ())),
            )
        )
    return out


def _signoffs(conn: Connection) -> dict[str, list[SignOff]]:
    """Pending sign-offs per emergency, in time order (none on a schema without the table)."""
    t = EmergencySignoffRow.__table__
    if not conn.dialect.has_table(conn, t.name):
        return {}
    out: dict[str, list[SignOff]] = {}
    for row in conn.execute(select(t).order_by(t.c.at, t.c.signed_by)).mappings():
        signoff = SignOff(row["action"], row["signed_by"], row["reason"], _dt(row["at"]))  # type: ignore[arg-type]
        out.setdefault(row["emergency_id"], []).append(signoff)
    return out


def _notice(row: Any) -> NoticeRecord:
    return NoticeRecord(
        notice_id=row["notice_id"],
        emergency_id=row["emergency_id"],
        notice=row["notice"],
        role=row["role"],
        address=row["address"],
        title=row["title"],
        body=row["body"],
        drill=bool(row["drill"]),
        filed_at=_dt(row["filed_at"]),  # type: ignore[arg-type]
        ack_due=_dt(row["ack_due"]),  # type: ignore[arg-type]
        escalate_to=row["escalate_to"],
        acknowledged_by=row["acknowledged_by"],
        acknowledged_at=_dt(row["acknowledged_at"]),
        escalated_at=_dt(row["escalated_at"]),
    )


class SqlEmergencyRepository:
    """`emergency.model.EmergencyRepository` on the configured database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _add(self, conn: Connection, writer: ChainWriter, record: EmergencyRecord) -> None:
        if record.kind == "declaration":
            writer.append(
                "emergencies",
                [
                    {
                        "emergency_id": record.emergency_id,
                        "tier": record.tier,
                        "scope": record.scope,
                        "reason": record.reason,
                        "declared_by": record.declared_by,
                        "declared_at": iso_utc(record.declared_at),
                    }
                ],
            )
        conn.execute(insert(EmergencyDetail.__table__), [_detail_row(record)])
        details = declaration_details(record)
        # the last outbox contact written before this commit: every later one must be out of scope
        heads = ChainHead.__table__
        details["outbox_seq_at_commit"] = conn.execute(
            select(heads.c.seq).where(heads.c.chain == "outbox_contacts")
        ).scalar_one_or_none()
        log_event(writer, record.declared_by, EVENTS[record.kind], record.emergency_id, details)

    def add(self, record: EmergencyRecord) -> None:
        with self.engine.begin() as conn:
            writer = ChainWriter(conn, ["emergencies", "audit_log"])
            self._add(conn, writer, record)
            writer.close()

    def confirm(self, proposal_id: str, record: EmergencyRecord) -> None:
        d = EmergencyDetail.__table__
        with self.engine.begin() as conn:
            writer = ChainWriter(conn, ["emergencies", "audit_log"])
            self._add(conn, writer, record)
            conn.execute(update(d).where(d.c.emergency_id == proposal_id).values(confirmed_as=record.emergency_id))
            log_event(writer, record.declared_by, CONFIRMED, proposal_id, {"emergency_id": record.emergency_id})
            writer.close()

    def get(self, emergency_id: str) -> EmergencyRecord | None:
        return next((r for r in self.all() if r.emergency_id == emergency_id), None)

    def all(self) -> list[EmergencyRecord]:
        with self.engine.connect() as conn:
            return load_records(conn)

    def enforced(self, at: datetime) -> list[EmergencyRecord]:
        return [r for r in self.all() if r.enforced(at)]

    def record_stand_down(self, emergency_id: str, stand_down: StandDownRecord) -> None:
        row = {
            "emergency_id": emergency_id,
            "stood_down_by": json.dumps(list(stand_down.by)),
            "reason": stand_down.reason,
            "at": iso_utc(stand_down.at),
        }
        details = {"by": list(stand_down.by), "reason": stand_down.reason, "at": row["at"]}
        with self.engine.begin() as conn:
            writer = ChainWriter(conn, ["emergency_stand_downs", "audit_log"])
            writer.append("emergency_stand_downs", [row])
            log_event(writer, ",".join(stand_down.by), STOOD_DOWN, emergency_id, details)
            writer.close()

    def record_cooling_off_end(self, emergency_id: str, end: CoolingOffEndRecord) -> None:
        """One chained `emergency_cooling_off_ends` row and its `EMERGENCY_COOLING_OFF_ENDED` line."""
        row = {"emergency_id": emergency_id, "ended_by": json.dumps(list(end.by)), "reason": end.reason}
        row["at"] = iso_utc(end.at)
        with self.engine.begin() as conn:
            writer = ChainWriter(conn, [EmergencyCoolingOffEnd.__tablename__, "audit_log"])
            writer.append(EmergencyCoolingOffEnd.__tablename__, [row])
            log_event(writer, ",".join(end.by), COOLING_OFF_ENDED, emergency_id, cooling_off_end_details(end))
            writer.close()

    def record_signoff(self, emergency_id: str, signoff: SignOff) -> None:
        """One `emergency_signoffs` row and its `EMERGENCY_*_REQUESTED` audit line (actor: the user)."""
        row = {"emergency_id": emergency_id, "action": signoff.action, "signed_by": signoff.by}
        row.update(reason=signoff.reason, at=iso_utc(signoff.at))
        with self.engine.begin() as conn:
            writer = ChainWriter(conn, ["audit_log"])
            conn.execute(insert(EmergencySignoffRow.__table__), [row])
            log_event(writer, signoff.by, SIGNOFF_EVENTS[signoff.action], emergency_id, signoff_details(signoff))
            writer.close()

    def add_notice(self, notice: NoticeRecord) -> None:
        row = {
            "notice_id": notice.notice_id,
            "emergency_id": notice.emergency_id,
            "notice": notice.notice,
            "role": notice.role,
            "address": notice.address,
            "title": notice.title,
            "body": notice.body,
            "drill": int(notice.drill),
            "filed_at": iso_utc(notice.filed_at),
            "ack_due": iso_utc(notice.ack_due),
            "escalate_to": notice.escalate_to,
        }
        with self.engine.begin() as conn:
            writer = ChainWriter(conn, ["audit_log"])
            conn.execute(insert(EmergencyNoticeRow.__table__), [row])
            log_event(writer, "emergency-response", NOTICE_FILED, notice.emergency_id, notice_details(notice))
            writer.close()

    def notices(self, emergency_id: str | None = None) -> list[NoticeRecord]:
        n = EmergencyNoticeRow.__table__
        stmt = select(n).order_by(n.c.filed_at, n.c.notice_id)
        if emergency_id is not None:
            stmt = stmt.where(n.c.emergency_id == emergency_id)
        with self.engine.connect() as conn:
            return [_notice(row) for row in conn.execute(stmt).mappings()]

    def acknowledge(self, notice_id: str, by: str, at: datetime) -> NoticeRecord:
        n = EmergencyNoticeRow.__table__
        with self.engine.begin() as conn:
            writer = ChainWriter(conn, ["audit_log"])
            conn.execute(
                update(n).where(n.c.notice_id == notice_id).values(acknowledged_by=by, acknowledged_at=iso_utc(at))
            )
            row = conn.execute(select(n).where(n.c.notice_id == notice_id)).mappings().one()
            log_event(writer, by, NOTICE_ACKNOWLEDGED, row["emergency_id"], {"notice_id": notice_id, "at": iso_utc(at)})
            writer.close()
        return _notice(row)

    def mark_escalated(self, notice_id: str, at: datetime) -> None:
        n = EmergencyNoticeRow.__table__
        with self.engine.begin() as conn:
            writer = ChainWriter(conn, ["audit_log"])
            conn.execute(update(n).where(n.c.notice_id == notice_id).values(escalated_at=iso_utc(at)))
            row = conn.execute(select(n).where(n.c.notice_id == notice_id)).mappings().one()
            details = {"notice_id": notice_id, "escalate_to": row["escalate_to"], "at": iso_utc(at)}
            log_event(writer, "emergency-response", NOTICE_ESCALATED, row["emergency_id"], details)
            writer.close()

    def audit(self, event: str, actor: str, subject: str, details: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            writer = ChainWriter(conn, ["audit_log"])
            log_event(writer, actor, event, subject, details)
            writer.close()

    def store_events(self, events: list[StoredEvent]) -> set[str]:
        t = EmergencyEventRow.__table__
        stamp = now_iso()
        rows = [
            {"event_id": e.event_id, "kind": e.kind, "at_utc": iso_utc(e.at), "body": e.body, "ingested_at": stamp}
            for e in events
        ]
        with self.engine.begin() as conn:
            return {str(k) for k in insert_new(conn, t, rows, "event_id")}  # type: ignore[arg-type]

    def events_between(self, start: datetime, end: datetime) -> list[StoredEvent]:
        t = EmergencyEventRow.__table__
        stmt = (
            select(t.c.event_id, t.c.kind, t.c.at_utc, t.c.body)
            .where(t.c.at_utc >= iso_utc(start), t.c.at_utc <= iso_utc(end))
            .order_by(t.c.at_utc, t.c.event_id)
        )
        with self.engine.connect() as conn:
            return [StoredEvent(i, k, datetime.fromisoformat(a), b) for i, k, a, b in conn.execute(stmt)]


def configured_repository() -> SqlEmergencyRepository | None:
    """The configured database's repository, or None when there is no database to consult
    (no `ARREARS_DATABASE_URL` and no default SQLite file yet, or no emergency tables).

    `arrears check` must not create a database as a side effect, so it asks this instead of
    `ready_engine()`.
    """
    from pathlib import Path

    from sqlalchemy import inspect

    from engine.settings import get_settings
    from engine.store.db import get_engine

    settings = get_settings()
    url = settings.resolved_database_url()
    explicit = settings.database_url is not None
    if not explicit and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    engine = get_engine(url)
    if not inspect(engine).has_table(EmergencyDetail.__tablename__):
        return None
    return SqlEmergencyRepository(engine)


def lifecycle_views(engine: Engine, at: datetime) -> dict[str, dict[str, Any]]:
    """Each emergency's life-cycle fields at `at` (`emergency.lifecycle.view`, plus who ended
    its cooling-off): what the audit report shows, the same answer as every other view."""
    with engine.connect() as conn:
        if not conn.dialect.has_table(conn, EmergencyDetail.__tablename__):
            return {}
        records = load_records(conn)
    out: dict[str, dict[str, Any]] = {}
    for record in records:
        row = record.status_json(at)
        out[record.emergency_id] = {k: row.get(k) for k in ("state", "ends_at", "cooling_off_until")}
        out[record.emergency_id]["cooling_off_ended_by"] = row.get("cooling_off_ended_by")
    return out


def apply_to_verdict(verdict: dict[str, Any], account: Any, action: Any, at: datetime | None = None) -> dict[str, Any]:
    """A compliance verdict with the configured database's enforced emergencies applied.

    Emergency violations are appended (strictest tier first). `next_allowed_at` follows the
    emergency life cycle: an active emergency is not time-bound (null: only a stand-down ends
    it); one cooling off ends at its cooling-off's end, so the later of that and the
    verdict's own next time is given (null stays null: waiting for the rest will not help).
    """
    from datetime import UTC

    from emergency.enforce import EmergencyGuard

    repo = configured_repository()
    if repo is None:
        return verdict
    guard = EmergencyGuard.load(repo, at or datetime.now(UTC))
    context = {"segment": (getattr(account, "attributes", None) or {}).get("segment")}
    holding = guard.holding(account, context, action)
    if not holding:
        return verdict
    found = guard.violations(account, context, action)
    until = guard.held_until(holding)
    own = verdict["next_allowed_at"]
    if until is None or (not verdict["allowed"] and own is None):
        nxt = None
    elif own is not None and datetime.fromisoformat(own) >= until:
        nxt = own
    else:
        nxt = until.isoformat()
    return {**verdict, "allowed": False, "violations": [*verdict["violations"], *found], "next_allowed_at": nxt}
