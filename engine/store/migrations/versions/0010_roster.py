"""Allocations: the day's collector, slot and overflow per case (issue #11)

Revision ID: 0010_roster
Revises: 0007_outcomes
Create Date: 2026-12-02 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_roster"
down_revision = "0007_outcomes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "allocations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("business_date", sa.String(length=10), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=False),
        sa.Column("queue", sa.String(length=128), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("collector", sa.String(length=128), nullable=True),
        sa.Column("overflow_to", sa.String(length=128), nullable=True),
        sa.Column("slot", sa.String(length=40), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=400), nullable=False),
        sa.Column("flow_run_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocations")),
        sa.UniqueConstraint("business_date", "account_id", name="uq_allocations_key"),
    )
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allocations_business_date"), ["business_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocations_business_date"))
    op.drop_table("allocations")
