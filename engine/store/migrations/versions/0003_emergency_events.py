"""emergency events kept for correlation across ingests

Revision ID: 0003_emergency_events
Revises: 0002_emergency
Create Date: 2026-11-28 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_emergency_events"
down_revision = "0002_emergency"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "emergency_events",
        sa.Column("event_id", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("at_utc", sa.String(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("ingested_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_emergency_events")),
    )
    with op.batch_alter_table("emergency_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_emergency_events_at_utc"), ["at_utc"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("emergency_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_emergency_events_at_utc"))
    op.drop_table("emergency_events")
