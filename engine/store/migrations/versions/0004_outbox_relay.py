"""outbox relay: dispatch state per outbox row; run heartbeat and pending count

Revision ID: 0004_outbox_relay
Revises: 0003_emergency_events
Create Date: 2026-12-02 01:00:00

Outbox rows written before this revision were forwarded by the old code right after their
chunk committed; they are recorded as dispatched at their `created_at`, so the relay never
sends them again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_outbox_relay"
down_revision = "0003_emergency_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_dispatch",
        sa.Column("idempotency_key", sa.String(length=300), nullable=False),
        sa.Column("business_date", sa.String(length=10), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=False),
        sa.Column("dispatched_at", sa.String(length=40), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("claimed_until", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("idempotency_key", name=op.f("pk_outbox_dispatch")),
    )
    op.create_index("ix_outbox_dispatch_pending", "outbox_dispatch", ["business_date", "dispatched_at"])
    op.execute(
        "INSERT INTO outbox_dispatch (idempotency_key, business_date, account_id, dispatched_at, attempts)"
        " SELECT idempotency_key, business_date, account_id, created_at, 1 FROM outbox_contacts"
    )
    with op.batch_alter_table("flow_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("pending", sa.Integer(), nullable=True))
        batch_op.alter_column("state", existing_type=sa.String(length=16), type_=sa.String(length=32))


def downgrade() -> None:
    with op.batch_alter_table("flow_runs", schema=None) as batch_op:
        batch_op.alter_column("state", existing_type=sa.String(length=32), type_=sa.String(length=16))
        batch_op.drop_column("pending")
        batch_op.drop_column("heartbeat_at")
    op.drop_index("ix_outbox_dispatch_pending", table_name="outbox_dispatch")
    op.drop_table("outbox_dispatch")
