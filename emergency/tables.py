"""The emergency layer's own tables, beside the store's chained `emergencies` rows.

`emergency_details` holds every emergency-like record — declarations (whose evidence row is
the store's hash-chained `emergencies` table), Tier 1 proposals awaiting confirmation, and
drills — with the plan snapshot enforcement needs (suspension, reassignment, cooling-off).
`emergency_notices` is the internal notices outbox: rendered notices to roles, with their
acknowledgement deadline and state. Both are working tables; every change to them is also
written to the chained audit log (`EMERGENCY_*` events), which is the tamper-evident record.
Created by migration `0002_emergency`.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models import Base


class EmergencyDetail(Base):
    __tablename__ = "emergency_details"
    emergency_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    tier: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(String(256))
    reason: Mapped[str] = mapped_column(Text)
    declared_by: Mapped[str] = mapped_column(String(128))
    declared_at: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(128))
    plan: Mapped[str] = mapped_column(String(256))
    plan_sha256: Mapped[str] = mapped_column(String(64))
    snapshot: Mapped[str] = mapped_column(Text)  # JSON: suspend, reassign, cooling_off_seconds
    proposal_id: Mapped[str | None] = mapped_column(String(64))
    confirmed_as: Mapped[str | None] = mapped_column(String(64))


class EmergencyNoticeRow(Base):
    __tablename__ = "emergency_notices"
    notice_id: Mapped[str] = mapped_column(String(96), primary_key=True)
    emergency_id: Mapped[str] = mapped_column(String(64), index=True)
    notice: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(256))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    drill: Mapped[int] = mapped_column(Integer)
    filed_at: Mapped[str] = mapped_column(String(40))
    ack_due: Mapped[str] = mapped_column(String(40), index=True)
    escalate_to: Mapped[str | None] = mapped_column(String(64))
    acknowledged_by: Mapped[str | None] = mapped_column(String(128))
    acknowledged_at: Mapped[str | None] = mapped_column(String(40))
    escalated_at: Mapped[str | None] = mapped_column(String(40))


class EmergencyEventRow(Base):
    """Ingested complaint/media/emotion/regulator events, kept so that correlation windows
    span ingests: three complaints arriving in three files within 24 h still correlate.
    `event_id` makes ingestion idempotent; `at_utc` (ISO 8601, UTC) sorts as text."""

    __tablename__ = "emergency_events"
    event_id: Mapped[str] = mapped_column(String(160), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    at_utc: Mapped[str] = mapped_column(String(40), index=True)
    body: Mapped[str] = mapped_column(Text)
    ingested_at: Mapped[str] = mapped_column(String(40))


class EmergencySignoffRow(Base):
    """One user's sign-off of a stand-down or an early end of cooling-off that needs more than
    one person (Tier 1: two): the first user's request waits here until another user confirms
    with their own key (`arrears emergency confirm-stand-down`). A working table; each
    sign-off is also an `EMERGENCY_*_REQUESTED`/`_CONFIRMED` audit line. Migration `0013_identity`."""

    __tablename__ = "emergency_signoffs"
    emergency_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    action: Mapped[str] = mapped_column(String(32), primary_key=True)  # stand_down | end_cooling_off
    signed_by: Mapped[str] = mapped_column(String(64), primary_key=True)
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[str] = mapped_column(String(40))
