"""emergency layer: emergency_details (declarations, proposals, drills) and the notices outbox

Revision ID: 0002_emergency
Revises: 0001
Create Date: 2026-11-28 19:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_emergency"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "emergency_details",
        sa.Column("emergency_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=256), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("declared_by", sa.String(length=128), nullable=False),
        sa.Column("declared_at", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=128), nullable=False),
        sa.Column("plan", sa.String(length=256), nullable=False),
        sa.Column("plan_sha256", sa.String(length=64), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("proposal_id", sa.String(length=64), nullable=True),
        sa.Column("confirmed_as", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("emergency_id", name=op.f("pk_emergency_details")),
    )
    with op.batch_alter_table("emergency_details", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_emergency_details_kind"), ["kind"], unique=False)
    op.create_table(
        "emergency_notices",
        sa.Column("notice_id", sa.String(length=96), nullable=False),
        sa.Column("emergency_id", sa.String(length=64), nullable=False),
        sa.Column("notice", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=256), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("drill", sa.Integer(), nullable=False),
        sa.Column("filed_at", sa.String(length=40), nullable=False),
        sa.Column("ack_due", sa.String(length=40), nullable=False),
        sa.Column("escalate_to", sa.String(length=64), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=128), nullable=True),
        sa.Column("acknowledged_at", sa.String(length=40), nullable=True),
        sa.Column("escalated_at", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("notice_id", name=op.f("pk_emergency_notices")),
    )
    with op.batch_alter_table("emergency_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_emergency_notices_emergency_id"), ["emergency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_emergency_notices_ack_due"), ["ack_due"], unique=False)


def downgrade() -> None:
    op.drop_table("emergency_notices")
    op.drop_table("emergency_details")
